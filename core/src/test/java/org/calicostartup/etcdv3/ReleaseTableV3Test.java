package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The release table on etcd v3, against a real etcd: one row per behaviour and release range, each citing the Calico
 * source and tag it follows. The README's behaviour table lists the same rows.
 */
class ReleaseTableV3Test extends SharedEtcdV3Test {

    private static final InterfaceSource NO_ADDRESSES = () -> List.of(HostInterface.of("lo", "127.0.0.1/8"));

    /**
     * node/pkg/lifecycle/startup/startup.go@v3.22.1 configureIPsAndSubnets; calico_node/startup/startup.go@v3.0.1.
     * From v3.31 the host's interfaces changed too (eth0 is gone), which runs the conflict check (@v3.32.1).
     */
    @ParameterizedTest(name = "{0}: a failed autodetection keeps the stored address")
    @CsvSource({"v3.0.12, false", "v3.17.6, false", "v3.22.1, false", "v3.30.7, false", "v3.31.0, true",
        "v3.32.1, true"})
    void failedAutodetectionKeepsTheStoredAddress(String release, boolean interfacesChanged) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        long revision = etcd.modRevision(V3Keys.claim(org.calicostartup.net.CidrAddress.parse("10.0.0.11/24")
                .orElseThrow()));

        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release),
                NO_ADDRESSES);

        assertEquals("10.0.0.11/24", report.after().ipv4().orElseThrow().toString());
        assertEquals(interfacesChanged, report.conflictCheckRan());
        JsonNode bgp = etcd.json(V3Keys.node("node-a")).path("spec").path("bgp");
        assertEquals("10.0.0.11/24", bgp.path("ipv4Address").asText(), bgp.toString());
        assertEquals(revision, etcd.modRevision(V3Keys.claim(org.calicostartup.net.CidrAddress
                .parse("10.0.0.11/24").orElseThrow())), "the claim stays where it was");
    }

    @Test
    void failedAutodetectionWithNothingStoredFailsAndWritesNothing() {
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-a"), NO_ADDRESSES));
        assertEquals(StartupException.Reason.AUTODETECTION, e.reason());
        assertTrue(e.getMessage().startsWith("Couldn't autodetect an IPv4 address"), e.getMessage());
        assertEquals(new TreeMap<>(), etcd.dump());
    }

    /**
     * {@code CALICO_NETWORKING_BACKEND=none} (policy only): no addresses through v3.15.1 and again from v3.26.2; in
     * between they are detected, checked and written and only the AS number is skipped
     * ({@code configureAndCheckIPAddressSubnets}, pkg/startup/startup.go@v3.15.2 of projectcalico/node,
     * node/pkg/lifecycle/startup/startup.go@v3.22.1; returns at once @v3.26.2).
     */
    @ParameterizedTest(name = "{0}: policy only writes the addresses: {1}, the node: {2}")
    @CsvSource({"v3.14.2, false, true", "v3.15.1, false, true", "v3.15.2, true, true", "v3.22.1, true, true",
        "v3.26.1, true, true", "v3.26.2, false, false", "v3.32.1, false, false"})
    void policyOnlyAddresses(String release, boolean written, boolean nodeWritten) {
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_NETWORKING_BACKEND", "none", "AS", "64512",
                "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        if (!nodeWritten) {
            // v3.26.2+: nothing to update (no addresses, no AS number with this backend, no CALICO_K8S_NODE_REF), so
            // calico-node never creates the node (needsNodeUpdate, startup.go@v3.26.2); with a ref it does.
            assertTrue(etcd.get(V3Keys.node("node-a")).isEmpty(), report.summary());
            assertFalse(report.conflictCheckRan(), report.summary());
            assertTrue(etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.11").isEmpty());
            etcd.start(etcd.env("node-a", "CALICO_NETWORKING_BACKEND", "none", "CALICO_K8S_NODE_REF", "k8s-a",
                    "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
            assertEquals("{\"orchRefs\":[{\"nodeName\":\"k8s-a\",\"orchestrator\":\"k8s\"}]}",
                    etcd.json(V3Keys.node("node-a")).path("spec").toString());
            return;
        }
        JsonNode spec = etcd.json(V3Keys.node("node-a")).path("spec");
        if (written) {
            assertEquals("{\"ipv4Address\":\"10.0.0.11/24\"}", spec.path("bgp").toString(), "no AS number");
            assertTrue(report.conflictCheckRan(), report.summary());
            assertTrue(etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.11").isPresent());
        } else {
            assertFalse(spec.has("bgp"), spec.toString());
            assertFalse(report.conflictCheckRan(), report.summary());
            assertTrue(etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.11").isEmpty());
        }
    }

    /**
     * Policy only, no release configured, the cluster records v3.22.1: the first read (made before the release is
     * known, as v3.32.1, which skips addresses) finds the recorded release, the addresses are detected and the cluster
     * read again — the node gets its address in three round trips.
     */
    @Test
    void policyOnlyFollowsTheRecordedRelease() {
        recordVersion("v3.22.1");
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_NETWORKING_BACKEND", "none"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals("10.0.0.11/24", etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address")
                .asText());
        assertTrue(report.conflictCheckRan(), report.summary());
        assertEquals(3, report.io().roundTrips(), report.summary());
    }

    /** The calico3 reference mode follows the same rule: v3.22.1 writes the policy-only node's address. */
    @Test
    void policyOnlyInTheReferenceMode() {
        etcd.start(etcd.env("node-a", "CALICO_NETWORKING_BACKEND", "none", "CALICO_STARTUP_CALICO_VERSION", "v3.22.1"),
                EtcdV3Fixture.host("10.0.0.11/24"), org.calicostartup.StartupMode.CALICO_REFERENCE);
        assertEquals("{\"ipv4Address\":\"10.0.0.11/24\"}", etcd.json(V3Keys.node("node-a")).path("spec").path("bgp")
                .toString());
    }

    /** Policy only, addresses configured (v3.22.1): another node's address is a conflict, as with networking. */
    @Test
    void policyOnlyChecksConflictsWhereItConfiguresAddresses() {
        etcd.putCalicoNode("other", "10.0.0.11/24");
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a",
                "CALICO_NETWORKING_BACKEND", "none", "CALICO_STARTUP_CALICO_VERSION", "v3.22.1"),
                EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason());
        assertTrue(etcd.get(V3Keys.node("node-a")).isEmpty());
    }

    /**
     * Policy only and no address at all (IP=none): an error while the release requires one (v3.15.2–v3.16.2, as with
     * networking), a warning from v3.16.3 — the node is written without {@code bgp} ("Some features may not work
     * properly", pkg/startup/startup.go@v3.16.3 of projectcalico/node).
     */
    @ParameterizedTest(name = "{0}: policy only without an address registers: {1}")
    @CsvSource({"v3.16.2, false", "v3.16.3, true", "v3.26.1, true"})
    void policyOnlyWithoutAnAddress(String release, boolean registers) {
        var env = etcd.env("node-a", "CALICO_NETWORKING_BACKEND", "none", "IP", "none",
                "CALICO_STARTUP_CALICO_VERSION", release);
        if (registers) {
            etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
            assertFalse(etcd.json(V3Keys.node("node-a")).path("spec").has("bgp"));
        } else {
            assertThrows(StartupException.class, () -> etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")));
            assertTrue(etcd.get(V3Keys.node("node-a")).isEmpty());
        }
    }

    /** A bare IP: /32 before v3.18 (parseIPEnvironment), the interface's prefix from v3.18 (GetLocalCIDR). */
    @ParameterizedTest(name = "{0}: IP=10.0.0.11 is stored as {1}")
    @CsvSource({"v3.0.12, 10.0.0.11/32", "v3.17.6, 10.0.0.11/32", "v3.18.0, 10.0.0.11/24", "v3.32.1, 10.0.0.11/24"})
    void bareIpPrefix(String release, String stored) {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11", "CALICO_STARTUP_CALICO_VERSION", release),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(stored, etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address").asText());
    }

    /** libcalico-go/lib/clientv3/client.go@v3.22.1 ensureClusterInformation: the version is recorded. */
    @ParameterizedTest(name = "configured {0}, recorded before {1}: records {2}")
    @CsvSource({"v3.22.1, -, v3.22.1", "-, -, v3.32.1", "-, v3.10.2, v3.10.2", "v3.25.0, v3.10.2, v3.25.0",
        "-, v2.6.12, v3.32.1", "-, v9.9.9, v3.32.1"})
    void recordedVersion(String configured, String recordedBefore, String recorded) {
        if (!recordedBefore.equals("-")) {
            recordVersion(recordedBefore);
        }
        Map<String, String> env = configured.equals("-") ? etcd.env("node-a")
                : etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", configured);
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
        JsonNode spec = etcd.json(V3Keys.CLUSTER_INFORMATION).path("spec");
        assertEquals(recorded, spec.path("calicoVersion").asText());
        if (!recordedBefore.equals("-")) {
            assertEquals("0123456789abcdef0123456789abcdef", spec.path("clusterGUID").asText());
        }
    }

    /** A ClusterInformation recording {@code version}, as calico-node of that release leaves it. */
    private void recordVersion(String version) {
        etcd.put(V3Keys.CLUSTER_INFORMATION, "{\"kind\":\"ClusterInformation\",\"apiVersion\":"
                + "\"projectcalico.org/v3\",\"metadata\":{\"name\":\"default\"},\"spec\":{\"clusterGUID\":"
                + "\"0123456789abcdef0123456789abcdef\",\"calicoVersion\":\"" + version
                + "\",\"datastoreReady\":true}}");
    }

    /**
     * Creating an IPIP or VXLAN pool turns the feature on in FelixConfiguration default only in the releases that
     * do it: maybeEnableIPIP v3.0–v3.22, maybeEnableVXLAN v3.7–v3.22 (libcalico-go lib/clientv3/ippool.go
     * @release-v3.0/@release-v3.7, calico libcalico-go/lib/clientv3/ippool.go@v3.22.1; absent @v3.23.0).
     */
    @ParameterizedTest(name = "{0} IPIP={1} VXLAN={2}: felix {3}, pool vxlanMode {4}")
    @CsvSource(delimiter = '|', value = {
        "v3.0.12 | Always | ''     | {\"logSeverityScreen\":\"Info\",\"ipipEnabled\":true,\"reportingInterval\":\"0s\"} | -",
        "v3.6.5  | ''     | Always | {\"logSeverityScreen\":\"Info\",\"reportingInterval\":\"0s\"}                      | -",
        "v3.7.0  | ''     | Always | {\"logSeverityScreen\":\"Info\",\"vxlanEnabled\":true,\"reportingInterval\":\"0s\"} | Always",
        "v3.22.1 | Always | ''     | {\"logSeverityScreen\":\"Info\",\"ipipEnabled\":true,\"reportingInterval\":\"0s\"} | Never",
        "v3.22.1 | ''     | Always | {\"logSeverityScreen\":\"Info\",\"vxlanEnabled\":true,\"reportingInterval\":\"0s\"} | Always",
        "v3.23.0 | Always | ''     | {\"logSeverityScreen\":\"Info\",\"reportingInterval\":\"0s\",\"floatingIPs\":\"Disabled\"} | Never",
        "v3.32.1 | ''     | Always | {\"logSeverityScreen\":\"Info\",\"reportingInterval\":\"0s\",\"bpfConnectTimeLoadBalancing\":\"TCP\","
            + "\"bpfHostNetworkedNATWithoutCTLB\":\"Enabled\",\"floatingIPs\":\"Disabled\"} | Always",
    })
    void felixEncapsulationDefaults(String release, String ipip, String vxlan, String felixSpec, String vxlanMode) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "CALICO_IPV4POOL_IPIP", ipip,
                "CALICO_IPV4POOL_VXLAN", vxlan), EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(felixSpec.trim(), etcd.json(V3Keys.FELIX_DEFAULT).path("spec").toString());
        JsonNode pool = etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec");
        assertEquals(vxlanMode.trim().equals("-"), !pool.has("vxlanMode"), pool.toString());
        if (pool.has("vxlanMode")) {
            assertEquals(vxlanMode.trim(), pool.path("vxlanMode").asText());
        }
    }

    /** An explicit false is left alone; missing reportingInterval and logSeverityScreen are filled (v3.22.1). */
    @Test
    void existingFelixDefaultIsCompletedNotOverridden() {
        etcd.put(V3Keys.FELIX_DEFAULT, "{\"kind\":\"FelixConfiguration\",\"apiVersion\":\"projectcalico.org/v3\","
                + "\"metadata\":{\"name\":\"default\"},\"spec\":{\"ipipEnabled\":false,\"bpfEnabled\":true}}");
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", "v3.22.1", "CALICO_IPV4POOL_IPIP", "Always"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals("{\"ipipEnabled\":false,\"bpfEnabled\":true,\"reportingInterval\":\"0s\","
                + "\"logSeverityScreen\":\"Info\"}", etcd.json(V3Keys.FELIX_DEFAULT).path("spec").toString());
    }

    /**
     * The default pool's blockSize (in the stored pool from v3.3, libcalico-go lib/clientv3/ippool.go@release-v3.3)
     * and nodeSelector (from v3.5, @release-v3.5), and calico-node reading CALICO_IPV4POOL_BLOCK_SIZE and
     * CALICO_IPV4POOL_NODE_SELECTOR for them only from v3.10 (pkg/startup/startup.go@v3.10.0 of projectcalico/node;
     * before, the client's defaults 26 and all()).
     */
    @ParameterizedTest(name = "{0}: pool blockSize {1}, nodeSelector {2}")
    @CsvSource({"v3.0.12, -, -", "v3.3.0, 26, -", "v3.9.0, 26, all()", "v3.10.0, 24, has(x)", "v3.32.1, 24, has(x)"})
    void poolBlockSizeAndNodeSelector(String release, String blockSize, String nodeSelector) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "CALICO_IPV4POOL_BLOCK_SIZE", "24",
                "CALICO_IPV4POOL_NODE_SELECTOR", "has(x)"), EtcdV3Fixture.host("10.0.0.11/24"));
        JsonNode spec = etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec");
        assertEquals(blockSize, spec.has("blockSize") ? spec.path("blockSize").asText() : "-", spec.toString());
        assertEquals(nodeSelector, spec.has("nodeSelector") ? spec.path("nodeSelector").asText() : "-",
                spec.toString());
    }

    /**
     * The default IPv6 pool without CALICO_IPV6POOL_CIDR: v3.0 the fixed fd80:24e2:f998:72d6::/64
     * (DEFAULT_IPV6_POOL_CIDR, calico_node/startup/startup.go@v3.0.1), from v3.1 a random ULA /48
     * (GenerateIPv6ULAPrefix, @v3.1.0).
     */
    @ParameterizedTest(name = "{0}: default IPv6 pool {1}")
    @CsvSource({"v3.0.12, fd80:24e2:f998:72d6::/64", "v3.1.0, random", "v3.32.1, random"})
    void defaultIpv6PoolFollowsTheRelease(String release, String cidr) {
        assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/sys/net/ipv6")),
                "this test needs a kernel with IPv6 (the default IPv6 pool is created only then)");
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "FELIX_IPV6SUPPORT", "true"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        String stored = etcd.json(V3Keys.pool("default-ipv6-ippool")).path("spec").path("cidr").asText();
        if (cidr.equals("random")) {
            assertTrue(stored.matches("fd[0-9a-f]{2}(:[0-9a-f]{1,4}){0,2}::/48"), stored);
        } else {
            assertEquals(cidr, stored);
        }
    }

    /**
     * With CALICO_IPV4POOL_CIDR=none calico-node does not read CALICO_IPV6POOL_VXLAN, which it reads with the IPv4
     * variables (configureIPPools, node/pkg/lifecycle/startup/startup.go@v3.29.0, @v3.32.1): the IPv6 pool is Never.
     */
    @Test
    void withoutAnIpv4PoolTheIpv6PoolsVxlanVariableIsNotRead() {
        assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/sys/net/ipv6")),
                "this test needs a kernel with IPv6 (the default IPv6 pool is created only then)");
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", "v3.32.1", "FELIX_IPV6SUPPORT", "true",
                "CALICO_IPV4POOL_CIDR", "none", "CALICO_IPV6POOL_VXLAN", "Always",
                "CALICO_IPV6POOL_CIDR", "fd80:24e2:f998:72d6::/64"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.get(V3Keys.pool("default-ipv4-ippool")).isEmpty());
        assertEquals("Never", etcd.json(V3Keys.pool("default-ipv6-ippool")).path("spec").path("vxlanMode").asText());
    }

    /**
     * CALICO_IPV6POOL_VXLAN sets the default IPv6 pool's vxlanMode from v3.23 (configureIPPools,
     * node/pkg/lifecycle/startup/startup.go@v3.23.0); v3.22.1 creates it with Never whatever the variable says, and
     * Felix's vxlanEnabled stays unset (no VXLAN pool was created).
     */
    @ParameterizedTest(name = "{0}: CALICO_IPV6POOL_VXLAN=Always gives the IPv6 pool {1}")
    @CsvSource({"v3.7.0, Never", "v3.22.1, Never", "v3.23.0, Always", "v3.32.1, Always"})
    void ipv6PoolVxlan(String release, String vxlanMode) {
        assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc/sys/net/ipv6")),
                "this test needs a kernel with IPv6 (the default IPv6 pool is created only then)");
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "FELIX_IPV6SUPPORT", "true",
                "CALICO_IPV6POOL_VXLAN", "Always", "CALICO_IPV6POOL_CIDR", "fd80:24e2:f998:72d6::/64"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(vxlanMode, etcd.json(V3Keys.pool("default-ipv6-ippool")).path("spec").path("vxlanMode")
                .asText());
        if (vxlanMode.equals("Never")) {
            assertFalse(etcd.json(V3Keys.FELIX_DEFAULT).path("spec").has("vxlanEnabled"));
        }
    }

    /** CALICO_IPV4POOL_CIDR=none skips the pool from v3.29 (node/pkg/lifecycle/startup/startup.go@v3.29.0). */
    @Test
    void poolCidrNoneSkipsThePoolFromV329() {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", "v3.29.0", "CALICO_IPV4POOL_CIDR", "none"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.get(V3Keys.pool("default-ipv4-ippool")).isEmpty());
        assertTrue(etcd.get(V3Keys.node("node-a")).isPresent());
    }

    @Test
    void poolCidrNoneBeforeV329IsRefusedBeforeAnyWrite() {
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a",
                "CALICO_STARTUP_CALICO_VERSION", "v3.28.0", "CALICO_IPV4POOL_CIDR", "none"),
                EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().contains("CALICO_IPV4POOL_CIDR") && e.getMessage().contains("v3.29"),
                e.getMessage());
        assertEquals(new TreeMap<>(), etcd.dump());
    }

    /** IP=none exists from v3.2; v3.0/v3.1 terminate on it (calico_node/startup/startup.go@v3.0.1). */
    @Test
    void ipNoneBeforeV32IsRefusedBeforeAnyWrite() {
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a",
                "CALICO_STARTUP_CALICO_VERSION", "v3.1.3", "IP", "none", "IP6", "autodetect"),
                EtcdV3Fixture.host("10.0.0.11/24", "fd00::11/64")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertEquals(new TreeMap<>(), etcd.dump());
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", "v3.2.0", "IP", "none", "IP6", "autodetect"),
                EtcdV3Fixture.host("10.0.0.11/24", "fd00::11/64"));
        assertEquals("fd00::11/64", etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv6Address")
                .asText());
    }

    /** disableBGPExport from v3.24 (node/pkg/lifecycle/startup/startup.go@v3.24.0 createIPPool). */
    @ParameterizedTest(name = "{0}: disableBGPExport written: {1}")
    @CsvSource({"v3.23.0, false", "v3.24.0, true"})
    void disableBgpExport(String release, boolean written) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release,
                "CALICO_IPV4POOL_DISABLE_BGP_EXPORT", "true"), EtcdV3Fixture.host("10.0.0.11/24"));
        JsonNode spec = etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec");
        assertEquals(written, spec.path("disableBGPExport").asBoolean(false), spec.toString());
    }

    /** An empty selector is all(); a valid one is stored as given. */
    @Test
    void poolNodeSelector() {
        etcd.start(etcd.env("node-a", "CALICO_IPV4POOL_NODE_SELECTOR", ""), EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals("all()", etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec").path("nodeSelector")
                .asText());
    }

    /**
     * From v3.14 the default IPv4 pool avoids holding a host address (GetDefaultIPv4Pool,
     * node/pkg/lifecycle/startup/autodetection/ipv4/poolselector.go@v3.22.1).
     */
    @ParameterizedTest(name = "{0} on a host with {1}: default pool {2}")
    @CsvSource({"v3.13.4, 192.168.1.5/24, 192.168.0.0/16", "v3.14.0, 192.168.1.5/24, 172.16.0.0/16",
        "v3.32.1, 10.0.0.11/24, 192.168.0.0/16"})
    void defaultIpv4PoolAvoidsHostAddresses(String release, String hostAddress, String pool) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host(hostAddress));
        assertEquals(pool, etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec").path("cidr").asText());
    }

    @Test
    void defaultIpv4PoolTakesTheFirstFreeFallback() {
        InterfaceSource host = () -> List.of(HostInterface.of("lo", "127.0.0.1/8"),
                HostInterface.of("eth0", "192.168.1.5/24"), HostInterface.of("docker0", "172.16.0.1/16"),
                HostInterface.of("br-1", "172.17.0.1/16"));
        etcd.start(etcd.env("node-a"), host);
        assertEquals("172.18.0.0/16", etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec").path("cidr")
                .asText());
    }

    /** v3.0 writes startup.env (writeStartupEnv @v3.0.1); v3.1 and later the nodename file (writeNodeConfig @v3.1.0). */
    @ParameterizedTest(name = "{0}: startup.env {1}, nodename file {2}")
    @CsvSource({"v3.0.12, true, false", "v3.1.0, false, true", "v3.32.1, false, true"})
    void theFilesCalicoNodesLaterStepsRead(String release, boolean startupEnv, boolean nodenameFile) throws Exception {
        java.util.Map<String, String> env = etcd.env("node-f", "CALICO_STARTUP_CALICO_VERSION", release);
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(env.get("CALICO_STARTUP_ENV_FILE")));
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(env.get("CALICO_NODENAME_FILE")));
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(startupEnv, java.nio.file.Files.exists(java.nio.file.Path.of(env.get("CALICO_STARTUP_ENV_FILE"))));
        assertEquals(nodenameFile, java.nio.file.Files.exists(java.nio.file.Path.of(env.get("CALICO_NODENAME_FILE"))));
        if (startupEnv) {
            assertEquals("export NODENAME=node-f\n",
                    java.nio.file.Files.readString(java.nio.file.Path.of(env.get("CALICO_STARTUP_ENV_FILE"))));
        }
    }

    /** A release recorded by the cluster is reproduced when none is configured: v3.10 writes no vxlanEnabled. */
    @Test
    void theRecordedReleaseIsReproducedWhenNoneIsConfigured() {
        etcd.put(V3Keys.CLUSTER_INFORMATION, "{\"kind\":\"ClusterInformation\",\"apiVersion\":\"projectcalico.org/v3\","
                + "\"metadata\":{\"name\":\"default\"},\"spec\":{\"clusterGUID\":\"0123456789abcdef0123456789abcdef\","
                + "\"calicoVersion\":\"v3.10.2\",\"datastoreReady\":true}}");
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_IPV4POOL_VXLAN", "Always", "IP", "10.0.0.11"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals("{\"logSeverityScreen\":\"Info\",\"vxlanEnabled\":true,\"reportingInterval\":\"0s\"}",
                etcd.json(V3Keys.FELIX_DEFAULT).path("spec").toString());
        assertEquals("10.0.0.11/32", etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address")
                .asText(), "v3.10 stores a bare IP as /32");
        assertEquals(2, report.io().roundTrips(), report.summary());
    }

    // ---------------------------------------------------------------------------------------- node interfaces

    private static final InterfaceSource MANY_INTERFACES = () -> List.of(
            HostInterface.of("lo", "127.0.0.1/8", "::1/128"),
            HostInterface.of("wlan0"),
            HostInterface.of("eth1", "10.0.0.11/24", "10.0.0.99/24", "fd00::11/64", "fe80::11/64"),
            HostInterface.of("docker0", "172.17.0.1/16"),
            HostInterface.of("br-0a1b", "172.18.0.1/16"),
            HostInterface.of("cali12345"),
            HostInterface.of("eth0", "192.168.5.5/24"));

    /**
     * v3.31+ store the host's interfaces in {@code spec.interfaces} (configureIPsAndSubnets,
     * node/pkg/lifecycle/startup/startup.go@v3.31.0, @v3.32.1; absent @v3.30.7): every interface the release's default
     * exclusions leave (GetInterfaces, autodetection/interfaces.go@v3.32.1), those without an address too, sorted by
     * name, with the addresses (no prefix, link-local included) of the families IP and IP6 set to other than none.
     */
    @ParameterizedTest(name = "{0} IP={1} IP6={2}: {3}")
    @CsvSource(delimiter = '|', value = {
        "v3.30.7 | autodetect | autodetect | -",
        "v3.31.0 | autodetect |            | [{\"name\":\"eth0\",\"addresses\":[\"192.168.5.5\"]},{\"name\":\"eth1\","
            + "\"addresses\":[\"10.0.0.11\",\"10.0.0.99\"]},{\"name\":\"wlan0\"}]",
        "v3.32.1 | 10.0.0.11  | autodetect | [{\"name\":\"eth0\",\"addresses\":[\"192.168.5.5\"]},{\"name\":\"eth1\","
            + "\"addresses\":[\"10.0.0.11\",\"10.0.0.99\",\"fd00::11\",\"fe80::11\"]},{\"name\":\"wlan0\"}]",
        "v3.32.1 | none       | autodetect | [{\"name\":\"eth0\"},{\"name\":\"eth1\",\"addresses\":[\"fd00::11\","
            + "\"fe80::11\"]},{\"name\":\"wlan0\"}]",
        "v3.32.1 |            |            | -"})
    void nodeInterfacesFollowTheRelease(String release, String ip, String ip6, String interfaces) {
        Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release,
                "FELIX_IPV6SUPPORT", "true", "IP_AUTODETECTION_METHOD", "interface=eth1",
                "IP6_AUTODETECTION_METHOD", "interface=eth1");
        env.put("IP", ip == null ? "" : ip);
        if (ip6 != null) {
            env.put("IP6", ip6);
        }
        etcd.start(env, MANY_INTERFACES);
        JsonNode spec = etcd.json(V3Keys.node("node-a")).path("spec");
        assertEquals(interfaces, spec.has("interfaces") ? spec.path("interfaces").toString() : "-", spec.toString());
    }

    /**
     * v3.31+: a restart whose interfaces changed runs the conflict check although the address is the same ("Node
     * interfaces changed", @v3.32.1) — and so finds a node calico-node would find (here one written without a claim);
     * v3.30 does not look. The autodetected address is then cleared, as clearNodeIPs does.
     */
    @ParameterizedTest(name = "{0}: changed interfaces check for conflicts: {1}")
    @CsvSource({"v3.30.7, false", "v3.31.0, true"})
    void changedInterfacesRunTheConflictCheck(String release, boolean checks) {
        Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release);
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
        etcd.putCalicoNode("other", "10.0.0.11/24");
        InterfaceSource moreInterfaces = () -> List.of(HostInterface.of("lo", "127.0.0.1/8"),
                HostInterface.of("eth0", "10.0.0.11/24"), HostInterface.of("eth1"));
        if (!checks) {
            StartupReport report = etcd.start(env, moreInterfaces);
            assertFalse(report.conflictCheckRan());
            return;
        }
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(env, moreInterfaces));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason());
        assertTrue(e.getMessage().contains("Calico node 'other' is already using the IPv4 address 10.0.0.11"),
                e.getMessage());
        JsonNode spec = etcd.json(V3Keys.node("node-a")).path("spec");
        assertFalse(spec.path("bgp").has("ipv4Address"), spec.toString());
        assertEquals("[{\"name\":\"eth0\",\"addresses\":[\"10.0.0.11\"]},{\"name\":\"eth1\"}]",
                spec.path("interfaces").toString(), "written with the node, as configureIPsAndSubnets left it");
    }

    /** CALICO_K8S_NODE_REF: no orchRefs in v3.0 (absent @v3.0.1), read from v3.1 (configureNodeRef @v3.1.0). */
    @ParameterizedTest(name = "{0}: orchRefs {1}")
    @CsvSource({"v3.0.12, false", "v3.1.0, true", "v3.32.1, true"})
    void theOrchestratorRefFollowsTheRelease(String release, boolean written) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "CALICO_K8S_NODE_REF", "k8s-a"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        JsonNode spec = etcd.json(V3Keys.node("node-a")).path("spec");
        assertEquals(written ? "[{\"nodeName\":\"k8s-a\",\"orchestrator\":\"k8s\"}]" : "",
                spec.has("orchRefs") ? spec.path("orchRefs").toString() : "", spec.toString());
    }

    /**
     * IP_AUTODETECTION_METHOD=cidr= exists from v3.16 (pkg/startup/startup.go@v3.16.0; absent @v3.15.5): an older
     * calico-node terminates as it autodetects with it ("Invalid IP autodection method") — even with an address
     * stored, and without clearing anything.
     */
    @ParameterizedTest(name = "{0}: cidr= accepted {1}")
    @CsvSource({"v3.15.5, false", "v3.16.0, true"})
    void theCidrMethodExistsFromV316(String release, boolean accepted) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release,
                "IP_AUTODETECTION_METHOD", "cidr=10.0.0.0/8");
        if (accepted) {
            assertEquals("10.0.0.12/24", etcd.start(env, EtcdV3Fixture.host("10.0.0.12/24")).after().ipv4()
                    .orElseThrow().toString());
            return;
        }
        assertFailsLeavingNodeA(env, EtcdV3Fixture.host("10.0.0.12/24"), StartupException.Reason.CONFIGURATION,
                "Invalid value for IP_AUTODETECTION_METHOD: \"cidr=10.0.0.0/8\"");
    }

    /** Starts node-a with {@code env}, which must fail with {@code reason} and {@code message…}, node-a untouched. */
    private void assertFailsLeavingNodeA(Map<String, String> env, InterfaceSource host, StartupException.Reason reason,
            String message) {
        String before = etcd.get(V3Keys.node("node-a")).orElseThrow();
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(env, host));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(before, etcd.get(V3Keys.node("node-a")).orElseThrow(), "node-a neither cleared nor written");
    }

    /**
     * IP=none with IP6 unset: v3.2–v3.15 terminate whatever is stored ("No IP Addresses configured, and autodetection
     * is not enabled", pkg/startup/startup.go@v3.2.0, @v3.15.5), v3.16.0–v3.16.2 only with nothing stored (@v3.16.0),
     * later releases keep the stored address (the general no-address error, @v3.16.3, startup.go@v3.22.1).
     */
    @ParameterizedTest(name = "{0}: IP=none keeps the stored address: {1}; with none stored: {2}")
    @CsvSource(delimiter = '|', value = {
        "v3.15.5 | false | No IP Addresses configured, and autodetection is not enabled",
        "v3.16.0 | true  | No IP Addresses configured, and autodetection is not enabled",
        "v3.16.2 | true  | No IP Addresses configured, and autodetection is not enabled",
        "v3.16.3 | true  | No IPv4 or IPv6 addresses configured or detected, required for Calico networking",
        "v3.32.1 | true  | No IPv4 or IPv6 addresses configured or detected, required for Calico networking"})
    void ipNoneWithoutIp6FollowsTheRelease(String release, boolean keeps, String noneStored) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "IP", "none");
        if (keeps) {
            assertEquals("10.0.0.11/24", etcd.start(env, EtcdV3Fixture.host("10.0.0.12/24")).after().ipv4()
                    .orElseThrow().toString());
        } else {
            assertFailsLeavingNodeA(env, EtcdV3Fixture.host("10.0.0.12/24"), StartupException.Reason.AUTODETECTION,
                    noneStored);
        }
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-b",
                "CALICO_STARTUP_CALICO_VERSION", release, "IP", "none"), EtcdV3Fixture.host("10.0.0.13/24")));
        assertTrue(e.getMessage().startsWith(noneStored), e.getMessage());
        assertTrue(etcd.get(V3Keys.node("node-b")).isEmpty());
    }

    /**
     * CALICO_IPV4POOL_VXLAN=CrossSubnet: v3.7–v3.8 know only never and always and terminate when they create the
     * default pool (createIPPool, pkg/startup/startup.go@v3.8.0), from v3.9 a CrossSubnet pool (@v3.9.0). With a
     * pool already there the mode is never read. Refused before anything is written.
     */
    @ParameterizedTest(name = "{0}: VXLAN CrossSubnet accepted {1}")
    @CsvSource({"v3.8.6, false", "v3.9.0, true"})
    void vxlanCrossSubnetExistsFromV39(String release, boolean accepted) {
        Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release,
                "CALICO_IPV4POOL_VXLAN", "CrossSubnet", "CALICO_IPV4POOL_CIDR", "10.244.0.0/16");
        if (accepted) {
            etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
            assertEquals("CrossSubnet", etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec")
                    .path("vxlanMode").asText());
            return;
        }
        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().startsWith("Invalid value for CALICO_IPV4POOL_VXLAN: \"CrossSubnet\""),
                e.getMessage());
        assertEquals(new TreeMap<>(), etcd.dump());
        // With a pool there, the variable is not read: the startup goes through.
        etcd.start(etcd.env("node-b", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.12/24"));
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
    }

    /**
     * v3.32+ create the default BGPConfiguration when it is missing (ensureDefaultBGPConfigExists,
     * node/pkg/lifecycle/startup/startup.go@v3.32.0; absent @v3.31.7), empty spec; one that exists is left alone.
     */
    @ParameterizedTest(name = "{0}: default BGPConfiguration created {1}")
    @CsvSource({"v3.31.7, false", "v3.32.0, true", "v3.32.1, true"})
    void theDefaultBgpConfigurationFollowsTheRelease(String release, boolean created) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(created, etcd.get(V3Keys.BGP_DEFAULT).isPresent());
        if (created) {
            JsonNode bgp = etcd.json(V3Keys.BGP_DEFAULT);
            assertEquals("BGPConfiguration", bgp.path("kind").asText());
            assertEquals("default", bgp.path("metadata").path("name").asText());
            assertEquals("{}", bgp.path("spec").toString());
            String custom = bgp.toString().replace("\"spec\":{}", "\"spec\":{\"asNumber\":64512}");
            etcd.put(V3Keys.BGP_DEFAULT, custom);
            etcd.start(etcd.env("node-b", "CALICO_STARTUP_CALICO_VERSION", release),
                    EtcdV3Fixture.host("10.0.0.12/24"));
            assertEquals(custom, etcd.get(V3Keys.BGP_DEFAULT).orElseThrow());
        }
    }

    /**
     * The pool fields the client defaults on create: allowedUses [Workload, Tunnel] from v3.21 (validateAndSetDefaults,
     * libcalico-go lib/clientv3/ippool.go@v3.21.0; absent @v3.20.0), assignmentMode Automatic from v3.30
     * (libcalico-go/lib/clientv3/ippool.go@v3.30.0; absent @v3.29.7).
     */
    @ParameterizedTest(name = "{0}: allowedUses {1}, assignmentMode {2}")
    @CsvSource(delimiter = '|', value = {"v3.20.6 | - | -", "v3.21.0 | [\"Workload\",\"Tunnel\"] | -",
        "v3.29.7 | [\"Workload\",\"Tunnel\"] | -", "v3.30.0 | [\"Workload\",\"Tunnel\"] | \"Automatic\""})
    void poolDefaultsOfTheClient(String release, String allowedUses, String assignmentMode) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        JsonNode spec = etcd.json(V3Keys.pool("default-ipv4-ippool")).path("spec");
        assertEquals(allowedUses, spec.has("allowedUses") ? spec.path("allowedUses").toString() : "-", spec.toString());
        assertEquals(assignmentMode, spec.has("assignmentMode") ? spec.path("assignmentMode").toString() : "-");
    }

    /**
     * The client's FelixConfiguration defaults on create and update (setDefaults, libcalico-go/lib/clientv3/
     * felixconfig.go): floatingIPs from v3.22.2 (absent @v3.22.1), the BPF load-balancing pair from v3.27 (@v3.27.0;
     * absent @v3.26.5) — and an existing node.&lt;name&gt; without defaultEndpointToHostAction gets Return
     * (ensureDefaultConfig, node/pkg/lifecycle/startup/startup.go@v3.22.1), with the defaults.
     */
    @ParameterizedTest(name = "{0}: Felix node config {1}")
    @CsvSource(delimiter = '|', value = {
        "v3.22.1 | {\"defaultEndpointToHostAction\":\"Return\"}",
        "v3.22.2 | {\"defaultEndpointToHostAction\":\"Return\",\"floatingIPs\":\"Disabled\"}",
        "v3.26.5 | {\"defaultEndpointToHostAction\":\"Return\",\"floatingIPs\":\"Disabled\"}",
        "v3.27.0 | {\"defaultEndpointToHostAction\":\"Return\",\"bpfConnectTimeLoadBalancing\":\"TCP\","
            + "\"bpfHostNetworkedNATWithoutCTLB\":\"Enabled\",\"floatingIPs\":\"Disabled\"}"})
    void felixClientDefaults(String release, String nodeSpec) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(nodeSpec, etcd.json(V3Keys.felixNode("node-a")).path("spec").toString());
        // An existing node config without the action is completed; the fields it has are kept.
        String bare = etcd.get(V3Keys.felixNode("node-a")).orElseThrow().replaceAll("\"spec\":\\{.*\\}\\s*}$",
                "\"spec\":{\"bpfConnectTimeLoadBalancingEnabled\":true}}");
        etcd.put(V3Keys.felixNode("node-a"), bare);
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), EtcdV3Fixture.host("10.0.0.11/24"));
        JsonNode spec = etcd.json(V3Keys.felixNode("node-a")).path("spec");
        assertEquals("Return", spec.path("defaultEndpointToHostAction").asText(), spec.toString());
        if (release.equals("v3.27.0")) {
            assertEquals("Enabled", spec.path("bpfConnectTimeLoadBalancing").asText(), spec.toString());
            assertEquals("Disabled", spec.path("bpfHostNetworkedNATWithoutCTLB").asText(), spec.toString());
        }
    }

    /**
     * CLUSTER_TYPE as ensureClusterInformation merges it (libcalico-go/lib/clientv3/client.go@v3.22.1, @v3.32.1): taken
     * as it is when nothing is stored; else each item (split at commas, untrimmed) not among the stored ones appended.
     */
    @ParameterizedTest(name = "stored {0}, CLUSTER_TYPE {1} -> {2}")
    @CsvSource(delimiter = '|', value = {"- | k8s, bgp | k8s, bgp", "k8s,bgp | k8s, bgp | k8s,bgp, bgp",
        "k8s | bgp,,k8s | k8s,bgp,", "k8s, bgp | k8s | k8s, bgp"})
    void clusterTypeIsMergedAsCalicoNodeMergesIt(String stored, String clusterType, String merged) {
        etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        ObjectNodeEdit.put(etcd, V3Keys.CLUSTER_INFORMATION, "clusterType", stored.equals("-") ? null : stored);
        etcd.start(etcd.env("node-b", "CLUSTER_TYPE", clusterType), EtcdV3Fixture.host("10.0.0.12/24"));
        assertEquals(merged, etcd.json(V3Keys.CLUSTER_INFORMATION).path("spec").path("clusterType").asText());
    }

    /** Sets or removes one field of a stored resource's spec. */
    private static final class ObjectNodeEdit {
        static void put(EtcdV3Fixture etcd, String key, String field, String value) {
            com.fasterxml.jackson.databind.node.ObjectNode json =
                    (com.fasterxml.jackson.databind.node.ObjectNode) etcd.json(key);
            com.fasterxml.jackson.databind.node.ObjectNode spec =
                    (com.fasterxml.jackson.databind.node.ObjectNode) json.path("spec");
            if (value == null) {
                spec.remove(field);
            } else {
                spec.put(field, value);
            }
            etcd.put(key, json.toString());
        }
    }

    // ----------------------------------------------------------------------------- clearing on failure (v3.1+)

    /**
     * From v3.1 an existing node whose address configuration fails has the addresses of the families set to
     * autodetect cleared and written before calico-node terminates (clearNodeIPs, calico_node/startup/startup.go
     * @v3.1.0, node/pkg/lifecycle/startup/startup.go@v3.22.1); v3.0 writes nothing (@v3.0.1). Here IPv6 autodetection
     * fails with none stored, after IPv4 was configured: both are cleared, and the node keeps no bgp at all.
     */
    @ParameterizedTest(name = "{0}: a failed autodetection clears: {1}")
    @CsvSource({"v3.0.12, false", "v3.1.0, true", "v3.22.1, true", "v3.32.1, true"})
    void aFailedAutodetectionOfAnExistingNodeClearsItsAutodetectedAddresses(String release, boolean clears) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "AS", "64600"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        String before = etcd.get(V3Keys.node("node-a")).orElseThrow();
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a",
                "CALICO_STARTUP_CALICO_VERSION", release, "IP6", "autodetect", "FELIX_IPV6SUPPORT", "true",
                "AS", "64700"), EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.AUTODETECTION, e.reason());
        assertTrue(e.getMessage().startsWith("Couldn't autodetect an IPv6 address."), e.getMessage());
        if (!clears) {
            assertEquals(before, etcd.get(V3Keys.node("node-a")).orElseThrow());
            return;
        }
        JsonNode spec = etcd.json(V3Keys.node("node-a")).path("spec");
        assertEquals("{\"asNumber\":64600}", spec.path("bgp").toString(),
                "addresses cleared; the AS number not yet configured when calico-node writes");
        assertTrue(etcd.get(V3Keys.claim(org.calicostartup.net.CidrAddress.parse("10.0.0.11/24").orElseThrow()))
                .isEmpty(), "the cleared address's claim released");
    }

    /** A conflict clears the new autodetected address of an existing node from v3.1 (clearNodeIPs); v3.0 does not. */
    @ParameterizedTest(name = "{0}: a conflict clears: {1}")
    @CsvSource({"v3.0.12, false", "v3.1.0, true"})
    void aConflictClearsTheAutodetectedAddressFromV31(String release, boolean clears) {
        Map<String, String> env = etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release);
        etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
        etcd.putCalicoNode("other", "10.0.0.12/24");
        String before = etcd.get(V3Keys.node("node-a")).orElseThrow();
        StartupException e = assertThrows(StartupException.class,
                () -> etcd.start(env, EtcdV3Fixture.host("10.0.0.12/24")));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason());
        if (clears) {
            assertFalse(etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").has("ipv4Address"));
        } else {
            assertEquals(before, etcd.get(V3Keys.node("node-a")).orElseThrow());
        }
    }

    /** With IP and IP6 not autodetect nothing is cleared (clearv4/clearv6 false), so nothing is written. */
    @Test
    void aFailedAutodetectionWithoutAutodetectWritesNothing() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        String before = etcd.get(V3Keys.node("node-a")).orElseThrow();
        etcd.put(V3Keys.node("node-a"), before.replace("\"ipv4Address\":\"10.0.0.11/24\"", "\"ipv6Address\":\"fd00::1/64\""));
        String ipv6Only = etcd.get(V3Keys.node("node-a")).orElseThrow();
        assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a", "IP", ""), NO_ADDRESSES));
        assertEquals(ipv6Only, etcd.get(V3Keys.node("node-a")).orElseThrow());
    }

    // ---------------------------------------------------------------------------------------------- node name

    /**
     * v3.0 names the node from HOSTNAME as it is ({@code determineNodeName}, calico_node/startup/startup.go@v3.0.1),
     * so the upper-case names of the seed's operator fail its validation (nothing written); from v3.1 HOSTNAME is
     * lower-cased (@v3.1.0) and the node registers.
     */
    @ParameterizedTest(name = "{0}: HOSTNAME in upper case registers {1}")
    @CsvSource({"v3.0.12, -", "v3.1.0, amz-iad12-opsrespool-13-33", "v3.32.1, amz-iad12-opsrespool-13-33"})
    void anUpperCaseHostnameFollowsTheRelease(String release, String registered) {
        Map<String, String> env = etcd.env("unused", "CALICO_STARTUP_CALICO_VERSION", release,
                "HOSTNAME", "AMZ-IAD12-OpsResPool-13-33");
        env.remove("NODENAME");
        if (registered.equals("-")) {
            StartupException e = assertThrows(StartupException.class,
                    () -> etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")));
            assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
            assertTrue(e.getMessage().startsWith("Invalid node name \"AMZ-IAD12-OpsResPool-13-33\" from HOSTNAME, "
                    + "which calico-node v3.0 uses as it is"), e.getMessage());
            assertEquals(new TreeMap<>(), etcd.dump());
        } else {
            assertEquals(registered, etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")).nodeName());
            assertTrue(etcd.dump().containsKey(V3Keys.node(registered)));
        }
    }

    /**
     * A cluster recording v3.0 with no release configured: the name is v3.0's (no nodename file read), found after
     * the first read, so the cluster is read again for that name (3 round trips) and only that node is written.
     */
    @Test
    void theRecordedReleasesNameIsUsed() throws Exception {
        etcd.put(V3Keys.CLUSTER_INFORMATION, "{\"kind\":\"ClusterInformation\",\"apiVersion\":\"projectcalico.org/v3\","
                + "\"metadata\":{\"name\":\"default\"},\"spec\":{\"clusterGUID\":\"0123456789abcdef0123456789abcdef\","
                + "\"calicoVersion\":\"v3.0.12\",\"datastoreReady\":true}}");
        Map<String, String> env = etcd.env("unused", "HOSTNAME", "host-h");
        env.remove("NODENAME");
        java.nio.file.Path file = java.nio.file.Path.of(env.get("CALICO_NODENAME_FILE"));
        java.nio.file.Files.writeString(file, "node-from-file");
        StartupReport report = etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals("host-h", report.nodeName());
        assertEquals("v3.0.12", report.calicoRelease());
        assertEquals(3, report.io().roundTrips(), report.summary());
        assertTrue(etcd.dump().containsKey(V3Keys.node("host-h")));
        assertFalse(etcd.dump().containsKey(V3Keys.node("node-from-file")));
        assertEquals("export NODENAME=host-h\n", java.nio.file.Files.readString(
                java.nio.file.Path.of(env.get("CALICO_STARTUP_ENV_FILE"))), "v3.0 writes startup.env");
        assertEquals("node-from-file", java.nio.file.Files.readString(file), "v3.0 neither reads nor writes it");
    }

    /**
     * v3.1–v3.3 read and write /var/lib/calico/nodename whatever CALICO_NODENAME_FILE says (pkg/startup/startup.go
     * @v3.3.0 of projectcalico/node; the variable from @v3.4.0). Here the host's default file is the test's.
     */
    @ParameterizedTest(name = "{0}: the name from {1}")
    @CsvSource({"v3.3.0, default", "v3.4.0, variable"})
    void theNodenameFileFollowsTheRelease(String release, String from) throws Exception {
        Map<String, String> env = etcd.env("unused", "CALICO_STARTUP_CALICO_VERSION", release, "HOSTNAME", "h");
        env.remove("NODENAME");
        java.nio.file.Path variable = java.nio.file.Path.of(env.get("CALICO_NODENAME_FILE"));
        java.nio.file.Path fallback = variable.resolveSibling("default-" + release + ".nodename");
        java.nio.file.Files.writeString(variable, "from-variable");
        java.nio.file.Files.writeString(fallback, "from-default");
        StartupReport report = etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24"), org.calicostartup.StartupMode.FAST,
                new org.calicostartup.config.NodeNameResolver(() -> "unused", fallback));
        assertEquals("from-" + from, report.nodeName());
        assertTrue(etcd.dump().containsKey(V3Keys.node("from-" + from)));
    }

    /**
     * The release's own default interface exclusions (autodetection_linux.go@v3.22.1/@v3.23.4/@v3.24.2/@v3.24.3): the
     * unanchored "lo" also excludes wlo1 until the list is anchored in v3.23.4, v3.24.3 and v3.25.
     */
    @ParameterizedTest(name = "{0}: first-found picks {1}")
    @CsvSource({"v3.22.1, 10.0.0.11/24", "v3.23.3, 10.0.0.11/24", "v3.23.4, 10.9.0.5/24", "v3.24.2, 10.0.0.11/24",
        "v3.24.3, 10.9.0.5/24", "v3.25.0, 10.9.0.5/24"})
    void defaultExclusionsFollowTheRelease(String release, String picked) {
        InterfaceSource host = () -> List.of(HostInterface.of("lo", "127.0.0.1/8"),
                HostInterface.of("eth0", "10.0.0.11/24"), HostInterface.of("wlo1", "10.9.0.5/24"));
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), host);
        assertEquals(picked, etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address").asText());
    }
}
