package org.calicostartup.cli;

import java.time.Duration;
import org.calicostartup.config.DatastoreType;

/**
 * Startup time predicted from round-trip counts: calico-node's are sequential and grow with the cluster (2.6's
 * conflict check is {@code 1 + 6·H} GETs), calico-startup's are constant. Counts are those asserted in the tests.
 */
record Prediction(String who, long roundTrips, Duration time) {

    /** calico-node 2.6.12 registering a new node beside {@code hosts} others (pools and defaults in place). */
    static Prediction calico26(long hosts, Duration rtt) {
        // node GETs, 1 + 6·H list, Ready + GUID, 7 node writes, pool GET, 3 default GETs + the new host's
        // DefaultEndpointToHostAction, CalicoVersion, 3 BGP default GETs, 6 directories
        return of("calico-node 2.6 (first registration)", 2 + 1 + 6 * hosts + 2 + 7 + 1 + 3 + 1 + 1 + 3 + 6, rtt);
    }

    static Prediction calico26Restart(Duration rtt) {
        return of("calico-node 2.6 (restart, same IP)", 7 + 2 + 7 + 1 + 3 + 1 + 3 + 6, rtt);
    }

    /** calico-node v3 registering a new node (ClusterInformation, pools and Felix defaults in place). */
    static Prediction calico3(Duration rtt) {
        // get node, list nodes, get ClusterInformation, create node, list pools, get ClusterInformation,
        // get Felix default, get + create Felix node.<name>
        return of("calico-node 3 (first registration)", 9, rtt);
    }

    static Prediction calicoStartup(DatastoreType type, Duration rtt) {
        return of("calico-startup (" + type.envValue() + ")", type == DatastoreType.ETCDV2 ? 3 : 2, rtt);
    }

    private static Prediction of(String who, long roundTrips, Duration rtt) {
        return new Prediction(who, roundTrips, rtt.multipliedBy(roundTrips));
    }
}
