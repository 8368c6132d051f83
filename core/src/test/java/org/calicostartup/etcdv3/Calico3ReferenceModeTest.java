package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;

/** calico-node v3's own request sequence, and that both modes leave the same Calico data behind. */
class Calico3ReferenceModeTest extends SharedEtcdV3Test {

    /**
     * get node, list nodes, get+create ClusterInformation, create node, list pools, re-list + create the v4 pool, get
     * ClusterInformation, get+create Felix default, get+create Felix node.&lt;name&gt; — and from v3.32 get+create the
     * default BGPConfiguration (ensureDefaultBGPConfigExists, node/pkg/lifecycle/startup/startup.go@v3.32.0).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1} sequential requests")
    @org.junit.jupiter.params.provider.CsvSource({"v3.31.7, 13", "v3.32.1, 15"})
    void firstRegistrationOnAnEmptyClusterTakesThirteenOrFifteenSequentialRequests(String release, int requests) {
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release),
                EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        assertEquals(requests, report.io().requests(), report.summary());
        assertEquals(requests, report.io().roundTrips());
    }

    /**
     * get node, (update node,) list pools, get ClusterInformation, get Felix default, get Felix node (, get the
     * default BGPConfiguration): v3.26.2+ do not update an unchanged node (needsNodeUpdate,
     * node/pkg/lifecycle/startup/startup.go@v3.26.2); v3.32+ read the BGPConfiguration.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1} requests")
    @org.junit.jupiter.params.provider.CsvSource({"v3.26.1, 6", "v3.26.2, 5", "v3.31.7, 5", "v3.32.1, 6"})
    void aRestartWithTheSameAddressTakesFiveOrSix(String release, int requests) {
        java.util.Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release);
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        StartupReport restart = etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        assertEquals(requests, restart.io().requests(), restart.summary());
    }

    @Test
    void anAddressChangeAddsOneListWhateverTheClusterSize() {
        etcd.seedNodes(300, 800);
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        StartupReport moved = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.12/24"),
                StartupMode.CALICO_REFERENCE);
        // get node, list nodes, update node, list pools, get ClusterInformation, get both Felix configurations, get
        // the default BGPConfiguration (v3.32+)
        assertEquals(8, moved.io().requests(), moved.summary());
        assertEquals(301, moved.io().keysRead() - 6, moved.summary());
    }

    @Test
    void conflictsFailTheSameWay() {
        etcd.putCalicoNode("other", "10.0.0.11/24");
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a"),
                EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE));
        assertEquals("Calico node 'other' is already using the IPv4 address 10.0.0.11.", e.getMessage());
    }

    @Test
    void bothModesWriteTheSameCalicoData() {
        Map<String, String> env = etcd.env("node-a", "CALICO_K8S_NODE_REF", "k8s-a", "AS", "65000",
                "CALICO_IPV4POOL_IPIP", "CrossSubnet", "CLUSTER_TYPE", "k8s,bgp");
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        TreeMap<String, JsonNode> reference = comparable(etcd.dump());
        etcd.clear();
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        TreeMap<String, JsonNode> fast = comparable(etcd.dump());
        fast.remove(V3Keys.CLAIMS + "ipv4/10.0.0.11");
        assertEquals(reference, fast);
    }

    /** Calico resources with the fields that differ by nature (uid, timestamps, GUID) blanked. */
    private static TreeMap<String, JsonNode> comparable(Map<String, String> dump) {
        return dump.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> {
            try {
                ObjectNode json = (ObjectNode) EtcdV3Fixture.JSON.readTree(e.getValue());
                if (json.get("metadata") instanceof ObjectNode metadata) {
                    metadata.put("uid", "-");
                    metadata.put("creationTimestamp", "-");
                }
                if (json.path("spec").has("clusterGUID")) {
                    ((ObjectNode) json.get("spec")).put("clusterGUID", "-");
                }
                return json;
            } catch (java.io.IOException ex) {
                throw new AssertionError(ex);
            }
        }, (a, b) -> a, TreeMap::new));
    }
}
