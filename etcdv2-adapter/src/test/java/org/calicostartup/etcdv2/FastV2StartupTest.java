package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The etcd v2 adapter against a real etcd (v2 API) pre-loaded exactly as Calico 2.6 stores its data. */
class FastV2StartupTest extends SharedEtcdV2Test {

    /** What calico-node 2.6.12 writes for node-a, 10.0.0.11/24, CALICO_K8S_NODE_REF=node-a, CLUSTER_TYPE=k8s,bgp. */
    static final Map<String, String> REFERENCE_DUMP = new TreeMap<>(Map.ofEntries(
            Map.entry("/calico", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/Ready", "true"),
            Map.entry("/calico/v1/config", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/config/ClusterGUID", "<guid>"),
            Map.entry("/calico/v1/config/ReportingIntervalSecs", "0"),
            Map.entry("/calico/v1/config/LogSeverityScreen", "info"),
            Map.entry("/calico/v1/config/CalicoVersion", "v2.6.12"),
            Map.entry("/calico/v1/config/ClusterType", "k8s,bgp"),
            Map.entry("/calico/v1/host", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/host/node-a", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/host/node-a/metadata", "{}"),
            Map.entry("/calico/v1/host/node-a/bird_ip", "10.0.0.11"),
            Map.entry("/calico/v1/host/node-a/orchestrator_refs", "[{\"orchestrator\":\"k8s\",\"nodeName\":\"node-a\"}]"),
            Map.entry("/calico/v1/host/node-a/config", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/host/node-a/config/DefaultEndpointToHostAction", "RETURN"),
            Map.entry("/calico/bgp", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1/host", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1/host/node-a", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1/host/node-a/ip_addr_v4", "10.0.0.11"),
            Map.entry("/calico/bgp/v1/host/node-a/ip_addr_v6", ""),
            Map.entry("/calico/bgp/v1/host/node-a/network_v4", "10.0.0.0/24"),
            Map.entry("/calico/bgp/v1/global", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1/global/node_mesh", "{\"enabled\":true}"),
            Map.entry("/calico/bgp/v1/global/as_num", "64512"),
            Map.entry("/calico/bgp/v1/global/loglevel", "info"),
            Map.entry("/calico/bgp/v1/global/custom_filters", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1/global/custom_filters/v4", EtcdV2Fixture.DIR),
            Map.entry("/calico/bgp/v1/global/custom_filters/v6", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/ipam", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/ipam/v4", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/ipam/v4/pool", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/ipam/v4/pool/192.168.0.0-16", "{\"cidr\":\"192.168.0.0/16\",\"ipip\":\"\","
                    + "\"ipip_mode\":\"\",\"masquerade\":true,\"ipam\":true,\"disabled\":false}"),
            Map.entry("/calico/v1/ipam/v6", EtcdV2Fixture.DIR),
            Map.entry("/calico/v1/ipam/v6/pool", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2/host", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2/host/node-a", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2/host/node-a/ipv4", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2/host/node-a/ipv4/block", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2/host/node-a/ipv6", EtcdV2Fixture.DIR),
            Map.entry("/calico/ipam/v2/host/node-a/ipv6/block", EtcdV2Fixture.DIR)));

    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void aNewNodeGetsExactlyTheKeysCalico2612Writes(StartupMode mode) throws Exception {
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_K8S_NODE_REF", "node-a", "CLUSTER_TYPE",
                "k8s,bgp"), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertTrue(report.nodeCreated());
        TreeMap<String, String> dump = etcd.dump();
        assertTrue(dump.get("/calico/v1/config/ClusterGUID").matches("[0-9a-f]{32}"));
        dump.put("/calico/v1/config/ClusterGUID", "<guid>");
        if (mode == StartupMode.FAST) {
            assertEquals("{\"node\":\"node-a\"}", dump.get("/calico/startup/v1/ipclaims/ipv4/10.0.0.11"));
            dump.keySet().removeIf(k -> k.startsWith("/calico/startup"));
            assertTrue(report.io().roundTrips() <= 3, report.summary());
        }
        assertEquals(REFERENCE_DUMP, dump);
        assertEquals("export NODENAME=node-a\n", Files.readString(tmp.resolve("node-a.startup.env")));
    }

    @Test
    void aRestartWithTheSameAddressTakesTwoRoundTripsAndChangesNothing() {
        etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        TreeMap<String, String> before = etcd.dump();
        StartupReport restart = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertFalse(restart.nodeCreated());
        assertFalse(restart.conflictCheckRan());
        assertEquals(2, restart.io().roundTrips(), restart.summary());
        assertEquals(before, etcd.dump());
    }

    /**
     * {@code IP} unset keeps the stored address even when the host now has another (calico-node 2.6 autodetects only
     * when none is stored: calico_node/startup/startup.go, configureIPsAndSubnets @v2.6.12), in both modes.
     */
    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void ipUnsetKeepsTheStoredAddressWhenTheHostsChanged(StartupMode mode) {
        etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        TreeMap<String, String> before = etcd.dump();
        StartupReport restart = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.12/24"), mode);
        assertEquals("10.0.0.11/24", restart.after().ipv4().orElseThrow().toString(), restart.summary());
        assertFalse(restart.conflictCheckRan(), restart.summary());
        assertEquals(before, etcd.dump());
    }

    @Test
    void roundTripsStayAtThreeWhateverTheClusterSize() {
        for (int size : new int[] {10, 2000}) {
            etcd.clear();
            etcd.seedHosts(size);
            StartupReport report = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.FAST);
            assertTrue(report.io().roundTrips() <= 3, size + " hosts: " + report.summary());
            assertTrue(report.conflictCheckRan());
            assertTrue(report.io().keysRead() >= size * 3L, report.summary());
        }
    }

    @Test
    void anAddressChangeMovesTheKeysAndTheClaim() {
        etcd.start(etcd.env("node-a", "IP", "autodetect"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        StartupReport moved = etcd.start(etcd.env("node-a", "IP", "autodetect"), EtcdV2Fixture.host("10.1.0.7/16"),
                StartupMode.FAST);
        assertTrue(moved.conflictCheckRan());
        TreeMap<String, String> dump = etcd.dump();
        assertEquals("10.1.0.7", dump.get("/calico/bgp/v1/host/node-a/ip_addr_v4"));
        assertEquals("10.1.0.0/16", dump.get("/calico/bgp/v1/host/node-a/network_v4"));
        assertEquals("10.1.0.7", dump.get("/calico/v1/host/node-a/bird_ip"));
        assertFalse(dump.containsKey("/calico/startup/v1/ipclaims/ipv4/10.0.0.11"));
        assertEquals("{\"node\":\"node-a\"}", dump.get("/calico/startup/v1/ipclaims/ipv4/10.1.0.7"));
    }

    @Test
    void ipv6AndAnAsNumber() {
        etcd.start(etcd.env("node-6", "IP6", "autodetect", "AS", "1.10"), EtcdV2Fixture.host("10.0.0.11/24",
                "fd00::11/64"), StartupMode.FAST);
        TreeMap<String, String> dump = etcd.dump();
        assertEquals("fd00::11", dump.get("/calico/bgp/v1/host/node-6/ip_addr_v6"));
        assertEquals("fd00::/64", dump.get("/calico/bgp/v1/host/node-6/network_v6"));
        assertEquals("65546", dump.get("/calico/bgp/v1/host/node-6/as_num"));
        assertEquals("{\"node\":\"node-6\"}", dump.get("/calico/startup/v1/ipclaims/ipv6/fd00::11"));
    }

    @Test
    void existingPoolsAreKeptAndAnIpipPoolEnablesIpip() {
        etcd.put("/calico/v1/ipam/v4/pool/10.244.0.0-16", "{\"cidr\":\"10.244.0.0/16\",\"ipip\":\"tunl0\","
                + "\"ipip_mode\":\"always\",\"masquerade\":true,\"ipam\":true,\"disabled\":false}");
        etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertFalse(etcd.dump().containsKey("/calico/v1/ipam/v4/pool/192.168.0.0-16"));

        etcd.clear();
        etcd.start(etcd.env("node-a", "CALICO_IPV4POOL_IPIP", "cross-subnet", "CALICO_IPV4POOL_NAT_OUTGOING", "false"),
                EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        TreeMap<String, String> dump = etcd.dump();
        assertEquals("{\"cidr\":\"192.168.0.0/16\",\"ipip\":\"tunl0\",\"ipip_mode\":\"cross-subnet\","
                + "\"masquerade\":false,\"ipam\":true,\"disabled\":false}",
                dump.get("/calico/v1/ipam/v4/pool/192.168.0.0-16"));
        assertEquals("true", dump.get("/calico/v1/config/IpInIpEnabled"));
    }

    @Test
    void toleratesHostsWithoutBgpKeysEmptyValuesAndMalformedNeighbours() {
        etcd.put("/calico/v1/host/endpoints-only/workload/k8s/pod-1/endpoint/eth0", "{}");
        etcd.put("/calico/bgp/v1/host/empty/ip_addr_v4", "");
        etcd.put("/calico/v1/host/empty/metadata", "{}");
        etcd.put("/calico/bgp/v1/host/broken/ip_addr_v4", "10.0.0.999");
        etcd.put("/calico/v1/host/broken/metadata", "{}");
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertTrue(report.conflictCheckRan());
        assertTrue(report.conflicts().isEmpty());
    }

    @Test
    void ipNoneIsRefusedBeforeAnyWrite() {
        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(etcd.env("node-a", "IP", "none"), EtcdV2Fixture.host("10.0.0.11/24"),
                        StartupMode.FAST));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(etcd.dump().isEmpty() || !etcd.dump().containsKey("/calico/v1/host/node-a"));
    }

}
