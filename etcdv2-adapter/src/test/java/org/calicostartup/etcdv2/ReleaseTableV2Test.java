package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.HostInterface;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The release table on etcd v2 (Calico 2.6.x), against a real etcd, for the fast and the reference mode. Each row
 * cites calico_node/startup/startup.go (calico) or libcalico-go at the tag it follows.
 */
class ReleaseTableV2Test extends SharedEtcdV2Test {

    @BeforeEach
    void clearV3() throws Exception {
        v3("/v3/kv/deleterange", "{\"key\":\"" + b64("/calico") + "\",\"range_end\":\"" + b64("/calicp") + "\"}");
    }

    /**
     * determineNodeName@v2.6.12: HOSTNAME exactly as given, upper case kept — the name of the operator whose cluster
     * started this project.
     */
    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void anUpperCaseHostnameIsRegisteredAsGiven(StartupMode mode) throws Exception {
        Map<String, String> env = etcd.env("unused", "HOSTNAME", "AMZ-IAD12-OpsResPool-13-33");
        env.remove("NODENAME");
        StartupReport report = etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertEquals("AMZ-IAD12-OpsResPool-13-33", report.nodeName());
        TreeMap<String, String> dump = etcd.dump();
        assertEquals("{}", dump.get("/calico/v1/host/AMZ-IAD12-OpsResPool-13-33/metadata"));
        assertEquals("10.0.0.11", dump.get("/calico/bgp/v1/host/AMZ-IAD12-OpsResPool-13-33/ip_addr_v4"));
        assertEquals("export NODENAME=AMZ-IAD12-OpsResPool-13-33\n",
                Files.readString(tmp.resolve("unused.startup.env")));
    }

    @ParameterizedTest
    @CsvSource({"'.'", "'..'"})
    void dotNamesAreRefusedBeforeAnyIo(String name) {
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env(name), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertEquals(new TreeMap<>(), etcd.dump());
    }

    /** IP=none does not exist in 2.6 (parseIPEnvironment@v2.6.12 terminates): refused before any I/O. */
    @ParameterizedTest
    @CsvSource({"IP", "IP6"})
    void ipNoneIsRefused(String variable) {
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-a", variable,
                "none"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().contains(variable) && e.getMessage().contains("v3.2"), e.getMessage());
        assertEquals(new TreeMap<>(), etcd.dump());
    }

    /** parseIPEnvironment@v2.6.12: a bare IP=a.b.c.d is a /32. */
    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void aBareIpIsAHostRoute(StartupMode mode) {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11"), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertEquals("10.0.0.11/32", etcd.dump().get("/calico/bgp/v1/host/node-a/network_v4"));
    }

    /** CALICO_K8S_NODE_REF is read from 2.6.3 (configureNodeRef, calico_node/startup/startup.go@v2.6.3; absent @v2.6.2). */
    @ParameterizedTest(name = "{0} {1}: orchestrator ref written {2}")
    @CsvSource({"FAST, v2.6.2, false", "CALICO_REFERENCE, v2.6.2, false", "FAST, v2.6.3, true",
        "CALICO_REFERENCE, v2.6.12, true"})
    void theOrchestratorRefFollowsTheRelease(StartupMode mode, String release, boolean written) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release, "CALICO_K8S_NODE_REF", "k8s-a"),
                EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertEquals(written, etcd.dump().containsKey("/calico/v1/host/node-a/orchestrator_refs"),
                etcd.dump().keySet().toString());
    }

    /**
     * CLUSTER_TYPE as updateClusterType merges it (calico_node/startup/startup.go@v2.6.12): as it is when nothing is
     * stored, else each item (split at commas, untrimmed) not yet in the list appended.
     */
    @ParameterizedTest(name = "{0}: stored {1}, CLUSTER_TYPE {2} -> {3}")
    @CsvSource(delimiter = '|', value = {"FAST | - | k8s, bgp | k8s, bgp", "CALICO_REFERENCE | - | k8s, bgp | k8s, bgp",
        "FAST | k8s | bgp,,k8s,bgp | k8s,bgp,", "CALICO_REFERENCE | k8s | bgp,,k8s,bgp | k8s,bgp,",
        "FAST | k8s,bgp | k8s, bgp | k8s,bgp, bgp"})
    void clusterTypeIsMergedAsCalicoNodeMergesIt(StartupMode mode, String stored, String clusterType, String merged) {
        if (!stored.equals("-")) {
            etcd.put("/calico/v1/config/ClusterType", stored);
        }
        etcd.start(etcd.env("node-a", "CLUSTER_TYPE", clusterType), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertEquals(merged, etcd.dump().get("/calico/v1/config/ClusterType"));
    }

    /** ensureDefaultConfig@v2.6.x records the running release; unset, the recorded one is kept. */
    @ParameterizedTest(name = "{0}: configured {1}, recorded before {2} -> {3}")
    @CsvSource({"FAST, v2.6.5, -, v2.6.5", "CALICO_REFERENCE, v2.6.5, -, v2.6.5", "FAST, -, -, v2.6.12",
        "FAST, -, v2.6.3, v2.6.3", "FAST, -, v3.1.0, v2.6.12", "FAST, v2.6.8, v2.6.3, v2.6.8"})
    void recordedVersion(StartupMode mode, String configured, String before, String after) {
        if (!before.equals("-")) {
            etcd.put("/calico/v1/config/CalicoVersion", before);
        }
        Map<String, String> env = configured.equals("-") ? etcd.env("node-a")
                : etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", configured);
        etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertEquals(after, etcd.dump().get("/calico/v1/config/CalicoVersion"));
    }

    /** Autodetection failing with an address stored keeps it (configureIPsAndSubnets@v2.6.12). */
    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void failedAutodetectionKeepsTheStoredAddress(StartupMode mode) {
        etcd.start(etcd.env("node-a", "IP", "autodetect"), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        StartupReport report = etcd.start(etcd.env("node-a", "IP", "autodetect"),
                () -> List.of(HostInterface.of("lo", "127.0.0.1/8")), mode);
        assertEquals("10.0.0.11/24", report.after().ipv4().orElseThrow().toString());
        assertEquals("10.0.0.11", etcd.dump().get("/calico/bgp/v1/host/node-a/ip_addr_v4"));
    }

    /**
     * A calico-node 2.6 manifest dropped in unchanged sets no DATASTORE_TYPE: calico-startup then defaults to etcd v3,
     * finds Calico 2.x data in the v2 keyspace and no Calico v3 data, and refuses before writing anything anywhere.
     */
    @Test
    void withoutDatastoreTypeAV2ClusterIsNeverGivenV3Resources() throws Exception {
        etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        TreeMap<String, String> v2Before = etcd.dump();
        Map<String, String> env = etcd.env("node-b");
        env.remove("DATASTORE_TYPE");

        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(env, EtcdV2Fixture.host("10.0.0.12/24"), StartupMode.FAST));

        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().contains("DATASTORE_TYPE") && e.getMessage().contains("v2.6.12"), e.getMessage());
        assertEquals(0, v3Count(), "nothing written to the v3 keyspace");
        assertEquals(v2Before, etcd.dump());

        env.put("CALICO_STARTUP_CALICO_VERSION", "v2.6.12");
        assertEquals("node-b", etcd.start(env, EtcdV2Fixture.host("10.0.0.12/24"), StartupMode.FAST).nodeName());
    }

    @Test
    void withoutDatastoreTypeAnEmptyEtcdBecomesACalicoV3Cluster() throws Exception {
        Map<String, String> env = etcd.env("node-a");
        env.remove("DATASTORE_TYPE");
        etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertTrue(v3Count() > 0);
        assertEquals(new TreeMap<>(), etcd.dump());
    }

    private static long v3Count() throws Exception {
        JsonNode answer = EtcdV2Fixture.JSON.readTree(v3("/v3/kv/range", "{\"key\":\"" + b64("/calico")
                + "\",\"range_end\":\"" + b64("/calicp") + "\",\"count_only\":true}"));
        return answer.path("count").asLong(0);
    }

    private static String v3(String path, String body) throws Exception {
        URI uri = ETCD.cluster().member(0).clientUri().resolve(path);
        HttpResponse<String> response = ETCD.cluster().httpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
