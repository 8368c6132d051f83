package org.calicostartup.etcdv2;

import java.util.ArrayList;
import java.util.List;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.EtcdV2Client.Response;

/**
 * The fast mode's second round trip, by name: the host listing ({@code /calico/v1/host}), every host's addresses
 * (one recursive GET of {@code /calico/bgp/v1/host}) and the answers to the leases taken with them, in the order
 * they were asked for.
 */
record V2HostsRead(Response hosts, Response bgpHosts, List<Response> leases) {

    /** The requests of the round trip: the two reads, then the leases. */
    static List<Request> requests(List<Request> leases) {
        List<Request> batch = new ArrayList<>(List.of(Request.get(V2Layout.HOSTS, false, true),
                Request.get(V2Layout.BGP_HOSTS, true, true)));
        batch.addAll(leases);
        return batch;
    }

    /** Names the answers to {@link #requests}. */
    static V2HostsRead of(List<Response> answers) {
        return new V2HostsRead(answers.get(0), answers.get(1), List.copyOf(answers.subList(2, answers.size())));
    }
}
