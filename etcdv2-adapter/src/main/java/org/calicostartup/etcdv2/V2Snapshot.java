package org.calicostartup.etcdv2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.EtcdV2Client.Response;

/**
 * What the etcd v2 fast startup reads in its first batch, by name: this node's own keys, pools, global
 * configuration and the IP claim leases of its candidate addresses. The order of the requests is known here and
 * nowhere else.
 *
 * @param metadata             {@code /calico/v1/host/<n>/metadata}
 * @param hostDirectory        {@code /calico/v1/host/<n>} (its direct children)
 * @param ownBgp               {@code /calico/bgp/v1/host/<n>}, recursive
 * @param endpointToHostAction {@code /calico/v1/host/<n>/config/DefaultEndpointToHostAction}
 * @param ipam                 {@code /calico/v1/ipam/}, recursive (the pools)
 * @param config               {@code /calico/v1/config}, recursive
 * @param ready                {@code /calico/v1/Ready}
 * @param bgpGlobal            {@code /calico/bgp/v1/global}, recursive
 * @param ipamHost             {@code /calico/ipam/v2/host/<n>}, recursive
 * @param claims               each candidate address's claim key → its answer
 */
record V2Snapshot(Response metadata, Response hostDirectory, Response ownBgp, Response endpointToHostAction,
        Response ipam, Response config, Response ready, Response bgpGlobal, Response ipamHost,
        Map<String, Response> claims) {

    /** The batch of reads, in the order {@link #of} expects the answers. */
    static List<Request> requests(String name, List<String> claimKeys) {
        List<Request> reads = new ArrayList<>(List.of(
                Request.get(V2Layout.host(name) + "/metadata", false, false),
                Request.get(V2Layout.host(name), false, false),
                Request.get(V2Layout.bgpHost(name), true, false),
                Request.get(V2Layout.host(name) + "/config/DefaultEndpointToHostAction", false, false),
                Request.get(V2Layout.IPAM, true, true),
                Request.get(V2Layout.CONFIG, true, true),
                Request.get(V2Layout.READY, false, false),
                Request.get(V2Layout.BGP_GLOBAL, true, true),
                Request.get(V2Layout.ipamHost(name), true, false)));
        claimKeys.forEach(key -> reads.add(Request.get(key, false, false)));
        return reads;
    }

    /** The answers to {@link #requests}, named. */
    static V2Snapshot of(List<Response> answers, List<String> claimKeys) {
        Map<String, Response> claims = new LinkedHashMap<>();
        for (int i = 0; i < claimKeys.size(); i++) {
            claims.put(claimKeys.get(i), answers.get(9 + i));
        }
        return new V2Snapshot(answers.get(0), answers.get(1), answers.get(2), answers.get(3), answers.get(4),
                answers.get(5), answers.get(6), answers.get(7), answers.get(8), claims);
    }

    /** calico-node 2.6's test: the metadata key or, for old deployments, the host directory exists. */
    boolean nodeExists() {
        return metadata.ok() || hostDirectory.ok();
    }

    /** {@code CalicoVersion} from {@code /calico/v1/config}, if stored. */
    Optional<String> recordedVersion() {
        return config.node().map(V2Layout::leaves).map(leaves -> leaves.get("CalicoVersion"));
    }

    /** The claim read for {@code key}, if it was read and exists. */
    Optional<V2Tree.Leaf> claim(String key) {
        return Optional.ofNullable(claims.get(key)).flatMap(V2Tree::value);
    }
}
