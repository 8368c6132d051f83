package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.TreeMap;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** calico-node 2.6.12's request sequence: its conflict check costs 1 + 6·H sequential GETs (reference a.2). */
class Calico26ReferenceModeTest extends SharedEtcdV2Test {

    /**
     * A first registration on a cluster with H other hosts and no pools or defaults yet, IPv6 off: 2 GETs for the
     * missing node, 1 + 6·H for the list, 2 creates (Ready, ClusterGUID), 7 node writes, 1 pool GET + 1 create,
     * 3 × (GET + create) defaults, CalicoVersion, 3 × (GET + create) BGP defaults, 6 directories.
     */
    static long firstRegistration(int hosts) {
        return 2 + (1 + 6L * hosts) + 2 + 7 + 2 + 6 + 1 + 6 + 6;
    }

    @ParameterizedTest(name = "H = {0}")
    @ValueSource(ints = {0, 1, 10})
    void firstRegistrationCostsOnePlusSixRequestsPerHostForTheConflictCheck(int hosts) {
        for (int i = 0; i < hosts; i++) {
            etcd.seedHost("host-" + i, "172.16.0." + (i + 1), "172.16.0.0/16");
        }
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"),
                StartupMode.CALICO_REFERENCE);
        assertEquals(firstRegistration(hosts), report.io().requests(), report.summary());
        assertEquals(report.io().requests(), report.io().roundTrips(), "strictly sequential");
    }

    @Test
    void aRestartWithTheSameAddressReadsSevenKeysForTheNodeAndListsNothing() {
        etcd.start(etcd.env("node-a", "CALICO_K8S_NODE_REF", "node-a"), EtcdV2Fixture.host("10.0.0.11/24"),
                StartupMode.CALICO_REFERENCE);
        StartupReport restart = etcd.start(etcd.env("node-a", "CALICO_K8S_NODE_REF", "node-a"),
                EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        // 7 node GETs, 2 creates, 8 node writes, 1 pool GET, 3 GETs, CalicoVersion, 3 GETs, 6 directories
        assertEquals(7 + 2 + 8 + 1 + 3 + 1 + 3 + 6, restart.io().requests(), restart.summary());
    }

    @Test
    void bothModesLeaveTheSameKeys() {
        etcd.seedHost("host-1", "172.16.0.1", "172.16.0.0/16");
        etcd.start(etcd.env("node-a", "AS", "65001", "CLUSTER_TYPE", "k8s"), EtcdV2Fixture.host("10.0.0.11/24"),
                StartupMode.CALICO_REFERENCE);
        TreeMap<String, String> reference = etcd.dump();
        etcd.clear();
        etcd.seedHost("host-1", "172.16.0.1", "172.16.0.0/16");
        etcd.start(etcd.env("node-a", "AS", "65001", "CLUSTER_TYPE", "k8s"), EtcdV2Fixture.host("10.0.0.11/24"),
                StartupMode.FAST);
        TreeMap<String, String> fast = etcd.dump();
        fast.keySet().removeIf(k -> k.startsWith("/calico/startup"));
        reference.put("/calico/v1/config/ClusterGUID", "-");
        fast.put("/calico/v1/config/ClusterGUID", "-");
        assertEquals(reference, fast);
    }
}
