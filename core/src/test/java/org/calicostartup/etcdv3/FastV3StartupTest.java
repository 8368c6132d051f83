package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;

/** Conformance of the fast etcd v3 startup against a real etcd pre-loaded with Calico-format data. */
class FastV3StartupTest extends SharedEtcdV3Test {

    @Test
    void registersANewNodeWithEverythingCalicoWouldWrite() throws Exception {
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_K8S_NODE_REF", "node-a", "AS", "64513"),
                EtcdV3Fixture.host("10.0.0.11/24"));

        assertTrue(report.nodeCreated());
        assertTrue(report.conflictCheckRan());
        assertEquals(2, report.io().roundTrips(), report.summary());
        assertEquals(0, report.retries());
        assertEquals("10.0.0.11/24", report.after().ipv4().orElseThrow().toString());

        JsonNode node = etcd.json(V3Keys.node("node-a"));
        assertEquals("Node", node.path("kind").asText());
        assertEquals("projectcalico.org/v3", node.path("apiVersion").asText());
        assertEquals("node-a", node.path("metadata").path("name").asText());
        assertTrue(node.path("metadata").path("uid").asText().matches("[0-9a-f-]{36}"));
        assertTrue(node.path("metadata").path("creationTimestamp").asText()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertFalse(node.path("metadata").has("resourceVersion"));
        // spec.interfaces: v3.31+ (the default release), every interface but the excluded lo, without prefixes.
        assertEquals(EtcdV3Fixture.JSON.readTree("{\"bgp\":{\"asNumber\":64513,\"ipv4Address\":\"10.0.0.11/24\"},"
                + "\"orchRefs\":[{\"nodeName\":\"node-a\",\"orchestrator\":\"k8s\"}],"
                + "\"interfaces\":[{\"name\":\"eth0\",\"addresses\":[\"10.0.0.11\"]}]}"), node.path("spec"));
        assertEquals(EtcdV3Fixture.JSON.readTree("{}"), node.path("status"));

        JsonNode pool = etcd.json(V3Keys.pool("default-ipv4-ippool"));
        assertEquals("IPPool", pool.path("kind").asText());
        // allowedUses (v3.21+) and assignmentMode (v3.30+): the client's defaults on create
        // (libcalico-go/lib/clientv3/ippool.go@v3.32.1 validateAndSetDefaults).
        assertEquals("{\"cidr\":\"192.168.0.0/16\",\"vxlanMode\":\"Never\",\"ipipMode\":\"Never\",\"natOutgoing\":true,"
                + "\"blockSize\":26,\"nodeSelector\":\"all()\",\"allowedUses\":[\"Workload\",\"Tunnel\"],"
                + "\"assignmentMode\":\"Automatic\"}", pool.path("spec").toString());
        JsonNode info = etcd.json(V3Keys.CLUSTER_INFORMATION).path("spec");
        assertTrue(info.path("clusterGUID").asText().matches("[0-9a-f]{32}"), info.toString());
        assertTrue(info.path("datastoreReady").asBoolean());
        // With the client's defaults on create (setDefaults, libcalico-go/lib/clientv3/felixconfig.go@v3.32.1).
        String clientDefaults = "\"bpfConnectTimeLoadBalancing\":\"TCP\",\"bpfHostNetworkedNATWithoutCTLB\":\"Enabled\","
                + "\"floatingIPs\":\"Disabled\"}";
        assertEquals("{\"logSeverityScreen\":\"Info\",\"reportingInterval\":\"0s\"," + clientDefaults,
                etcd.json(V3Keys.FELIX_DEFAULT).path("spec").toString());
        assertEquals("{\"defaultEndpointToHostAction\":\"Return\"," + clientDefaults,
                etcd.json(V3Keys.felixNode("node-a")).path("spec").toString());
        assertEquals("{\"node\":\"node-a\"}", etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.11").orElseThrow());
        assertEquals("node-a", Files.readString(tmp.resolve("node-a.nodename")));
        assertTrue(report.created().contains(V3Keys.pool("default-ipv4-ippool")), report.created().toString());
    }

    @Test
    void aRestartWithTheSameAddressReadsNoOtherNodeAndKeepsEverything() {
        etcd.seedNodes(50, 600);
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        TreeMap<String, String> before = etcd.dump();

        StartupReport restart = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));

        assertFalse(restart.nodeCreated());
        assertFalse(restart.conflictCheckRan());
        // calico-node v3.26.2+ (the default) writes an unchanged node not at all (needsNodeUpdate,
        // node/pkg/lifecycle/startup/startup.go@v3.32.1): the read is the whole startup.
        assertEquals(1, restart.io().roundTrips(), restart.summary());
        assertEquals(List.of(), restart.created());
        assertEquals(List.of(), restart.updated());
        assertTrue(restart.io().keysRead() < 10, "no node list on a restart: " + restart.summary());
        TreeMap<String, String> after = etcd.dump();
        assertEquals(before, after);
        long revision = etcd.modRevision(V3Keys.node("node-a"));
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", "v3.26.1"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.modRevision(V3Keys.node("node-a")) > revision, "v3.26.1 updates it on every start");
    }

    @Test
    void anAddressChangeChecksConflictsMovesTheClaimAndKeepsThePrefix() {
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));

        StartupReport moved = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.1.7/16"));

        assertTrue(moved.conflictCheckRan());
        assertEquals(2, moved.io().roundTrips());
        assertEquals("10.0.1.7/16", etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address")
                .asText());
        assertTrue(etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.11").isEmpty(), "old claim released");
        assertEquals("{\"node\":\"node-a\"}", etcd.get(V3Keys.CLAIMS + "ipv4/10.0.1.7").orElseThrow());
    }

    @Test
    void anExistingNodeThatAutodetectsAConflictingAddressClearsItAsCalicoDoes() {
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.5/24"));
        etcd.putCalicoNode("other", "10.0.0.11/24");

        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24")));

        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason());
        assertFalse(etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").has("ipv4Address"));
        assertTrue(etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.5").isEmpty(), "claim of the cleared address released");
        assertTrue(etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.11").isEmpty());
    }

    @Test
    void ipNoneKeepsTheStoredAddressAndNeedsOne() {
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        StartupReport report = etcd.start(etcd.env("node-a", "IP", "none"), EtcdV3Fixture.host("10.9.9.9/24"));
        assertEquals("10.0.0.11/24", report.after().ipv4().orElseThrow().toString());
        // v3.31+: IP=none records no interfaces, so the stored ones changed and the check runs (startup.go@v3.32.1).
        assertTrue(report.conflictCheckRan());
        assertFalse(etcd.json(V3Keys.node("node-a")).path("spec").has("interfaces"));

        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(etcd.env("node-b", "IP", "none"), EtcdV3Fixture.host("10.0.0.12/24")));
        assertEquals("No IPv4 or IPv6 addresses configured or detected, required for Calico networking",
                e.getMessage());
        assertTrue(etcd.get(V3Keys.node("node-b")).isEmpty());
    }

    @Test
    void ipv6AddressAndDefaultPools() {
        StartupReport report = etcd.start(etcd.env("node-6", "IP6", "autodetect", "FELIX_IPV6SUPPORT", "true",
                "CALICO_IPV6POOL_CIDR", "fd80:24e2:f998:72d6::/64"), EtcdV3Fixture.host("10.0.0.11/24", "fd00::11/64"));
        assertEquals("fd00::11/64", report.after().ipv6().orElseThrow().toString());
        JsonNode bgp = etcd.json(V3Keys.node("node-6")).path("spec").path("bgp");
        assertEquals("fd00::11/64", bgp.path("ipv6Address").asText());
        assertEquals("{\"node\":\"node-6\"}", etcd.get(V3Keys.CLAIMS + "ipv6/fd00::11").orElseThrow());
        if (Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            assertEquals("{\"cidr\":\"fd80:24e2:f998:72d6::/64\",\"vxlanMode\":\"Never\",\"ipipMode\":\"Never\","
                    + "\"blockSize\":122,\"nodeSelector\":\"all()\",\"allowedUses\":[\"Workload\",\"Tunnel\"],"
                    + "\"assignmentMode\":\"Automatic\"}",
                    etcd.json(V3Keys.pool("default-ipv6-ippool")).path("spec").toString());
        }
    }

    /**
     * A dual-stack host's first read is nine read-only transactions (V3FirstRead.CoverAware: "unchanged", then
     * with and without a cover for each of four ways its two claims may differ); each case finds what it needs.
     */
    @Test
    void aDualStackHostsFirstReadServesEveryCase() {
        etcd.seedNodes(20, 400);
        Map<String, String> env = etcd.env("node-d", "IP6", "autodetect", "FELIX_IPV6SUPPORT", "true");

        StartupReport first = etcd.start(env, EtcdV3Fixture.host("10.0.0.21/24", "fd00::21/64"));
        assertTrue(first.conflictCheckRan() && first.io().keysRead() >= 20, first.summary());
        assertEquals(2, first.io().roundTrips(), first.summary());
        assertEquals(10, first.io().requests(), "nine read-only transactions and the write: " + first.summary());

        StartupReport restart = etcd.start(env, EtcdV3Fixture.host("10.0.0.21/24", "fd00::21/64"));
        assertFalse(restart.conflictCheckRan(), restart.summary());
        assertTrue(restart.io().keysRead() < 12, restart.summary());

        StartupReport moved = etcd.start(env, EtcdV3Fixture.host("10.0.0.21/24", "fd00::22/64"));
        assertTrue(moved.conflictCheckRan() && moved.io().keysRead() >= 20, moved.summary());
        assertEquals(2, moved.io().roundTrips(), moved.summary());
        assertEquals("{\"node\":\"node-d\"}", etcd.get(V3Keys.CLAIMS + "ipv6/fd00::22").orElseThrow());
        assertTrue(etcd.get(V3Keys.CLAIMS + "ipv6/fd00::21").isEmpty(), "old IPv6 claim released");

        StartupException taken = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-e", "IP6",
                "autodetect", "FELIX_IPV6SUPPORT", "true"), EtcdV3Fixture.host("10.0.0.31/24", "fd00::22/64")));
        assertEquals(StartupException.Reason.IP_CONFLICT, taken.reason());
        assertTrue(etcd.get(V3Keys.node("node-e")).isEmpty());
    }

    /**
     * {@code IP} empty (as unset): calico-node keeps the stored IPv4 address and autodetects only when there is none
     * (node/pkg/lifecycle/startup/startup.go, configureIPsAndSubnets @v3.22.1). The first read's "unchanged"
     * condition is then "the node exists", and its one negation "the node is missing": three read-only transactions.
     */
    @Test
    void ipUnsetKeepsTheStoredAddressAndAutodetectsOnlyTheFirstOne() {
        etcd.seedNodes(20, 400);
        StartupReport first = etcd.start(etcd.env("node-k", "IP", ""), EtcdV3Fixture.host("10.0.0.41/24"));
        assertEquals("10.0.0.41/24", first.after().ipv4().orElseThrow().toString());
        assertTrue(first.conflictCheckRan() && first.io().keysRead() >= 20, first.summary());
        assertEquals(2, first.io().roundTrips(), first.summary());
        assertEquals(4, first.io().requests(), "three read-only transactions and the write: " + first.summary());

        StartupReport restart = etcd.start(etcd.env("node-k", "IP", ""), EtcdV3Fixture.host("10.0.0.42/24"));
        assertEquals("10.0.0.41/24", restart.after().ipv4().orElseThrow().toString(), "the stored address is kept");
        assertFalse(restart.conflictCheckRan(), restart.summary());
        assertTrue(restart.io().keysRead() < 10, restart.summary());
        assertEquals("10.0.0.41/24", etcd.json(V3Keys.node("node-k")).path("spec").path("bgp").path("ipv4Address")
                .asText());

        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(etcd.env("node-l", "IP", ""), EtcdV3Fixture.host("10.0.0.41/24")));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason());
        assertTrue(etcd.get(V3Keys.node("node-l")).isEmpty());
    }

    @Test
    void existingPoolsAreLeftAloneAndNoDefaultPoolsCreatesNone() {
        etcd.put(V3Keys.pool("my-pool"), "{\"kind\":\"IPPool\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":"
                + "{\"name\":\"my-pool\"},\"spec\":{\"cidr\":\"10.244.0.0/16\",\"ipipMode\":\"Always\","
                + "\"natOutgoing\":true}}");
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.get(V3Keys.pool("default-ipv4-ippool")).isEmpty());

        etcd.clear();
        etcd.start(etcd.env("node-a", "NO_DEFAULT_POOLS", "true"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.dump().keySet().stream().noneMatch(k -> k.startsWith(V3Keys.IPPOOLS)));
    }

    @Test
    void ipipPoolEnablesIpipInFelix() {
        // maybeEnableIPIP: v3.0-v3.22 (libcalico-go/lib/clientv3/ippool.go@v3.22.1); see ReleaseTableV3Test.
        etcd.start(etcd.env("node-a", "CALICO_IPV4POOL_IPIP", "Always", "CALICO_IPV4POOL_CIDR", "10.244.0.0/16",
                        "CALICO_STARTUP_CALICO_VERSION", "v3.22.1"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals("Always", etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec").path("ipipMode").asText());
        assertEquals("{\"logSeverityScreen\":\"Info\",\"ipipEnabled\":true,\"reportingInterval\":\"0s\"}",
                etcd.json(V3Keys.FELIX_DEFAULT).path("spec").toString());
    }

    @Test
    void fieldsThisLibraryDoesNotOwnArePreservedExactly() throws Exception {
        String stored = "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"node-a\","
                + "\"uid\":\"u-1\",\"creationTimestamp\":\"2019-01-01T00:00:00Z\",\"resourceVersion\":\"77\","
                + "\"labels\":{\"rack\":\"r1\"},\"annotations\":{\"note\":\"keep me\"}},"
                + "\"spec\":{\"bgp\":{\"asNumber\":65001,\"ipv4Address\":\"10.0.0.11/24\","
                + "\"ipv4IPIPTunnelAddr\":\"192.168.7.1\",\"routeReflectorClusterID\":\"1.2.3.4\"},"
                + "\"ipv4VXLANTunnelAddr\":\"192.168.7.2\",\"vxlanTunnelMACAddr\":\"aa:bb:cc:dd:ee:ff\","
                + "\"wireguard\":{\"interfaceIPv4Address\":\"10.9.0.1\"},\"futureField\":[1,{\"x\":null}]},"
                + "\"status\":{\"podCIDRs\":[\"10.244.3.0/24\"]},\"somethingNew\":true}";
        etcd.put(V3Keys.node("node-a"), stored);

        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.12/24"));

        ObjectNode expected = (ObjectNode) EtcdV3Fixture.JSON.readTree(stored);
        ((ObjectNode) expected.path("metadata")).remove("resourceVersion");
        ((ObjectNode) expected.path("spec").path("bgp")).put("ipv4Address", "10.0.0.12/24");
        ((ObjectNode) expected.path("spec")).putArray("interfaces").addObject().put("name", "eth0")
                .putArray("addresses").add("10.0.0.12");
        assertEquals(expected, etcd.json(V3Keys.node("node-a")));
    }

    @Test
    void malformedNeighboursAreSkippedNotFatal() {
        etcd.put(V3Keys.node("truncated"), "{\"kind\":\"Node\",\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.11/2");
        etcd.put(V3Keys.node("bad-ip"), EtcdV3Fixture.calicoNode("bad-ip", "10.0.0.300/24", 300));
        etcd.put(V3Keys.node("wrong-kind"), "{\"kind\":\"IPPool\",\"spec\":{\"cidr\":\"10.0.0.0/8\"}}");
        etcd.put(V3Keys.node("not-an-object"), "[1,2,3]");
        etcd.put(V3Keys.node("ip-as-number"), "{\"kind\":\"Node\",\"spec\":{\"bgp\":{\"ipv4Address\":42}}}");
        etcd.put(V3Keys.node("huge"), "{\"kind\":\"Node\",\"spec\":{\"bgp\":{\"ipv4Address\":\""
                + "1".repeat(1_000_000) + "\"}}}");
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(report.conflictCheckRan());
        assertTrue(report.conflicts().isEmpty());
    }

    @Test
    void ourOwnMalformedNodeIsAnErrorAndIsLeftUntouched() {
        String broken = "{\"kind\":\"Node\",\"spec\":{\"bgp\":";
        etcd.put(V3Keys.node("node-a"), broken);
        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.INVALID_STORED_DATA, e.reason());
        assertTrue(e.getMessage().contains(V3Keys.node("node-a")), e.getMessage());
        assertEquals(broken, etcd.get(V3Keys.node("node-a")).orElseThrow());
        assertEquals(Map.of(V3Keys.node("node-a"), broken), etcd.dump());
    }

    @Test
    void roundTripsDoNotGrowWithTheCluster() {
        for (int size : new int[] {10, 2000}) {
            etcd.clear();
            etcd.seedNodes(size, 1000);
            StartupReport first = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
            assertEquals(2, first.io().roundTrips(), size + " nodes: " + first.summary());
            assertTrue(first.io().keysRead() >= size, first.summary());
            StartupReport restart = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
            assertEquals(1, restart.io().roundTrips(), size + " nodes (nothing to write): " + restart.summary());
        }
    }

    @Test
    void tenThousandNodesOfOneKilobyteExceedJetcdsDefaultLimitAndStillWork() {
        etcd.seedNodes(10_000, 1000);
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(report.io().bytesRead() > 4 * 1024 * 1024, report.summary());
        assertEquals(2, report.io().roundTrips());
        assertTrue(report.io().keysRead() >= 10_000, report.summary());
    }
}
