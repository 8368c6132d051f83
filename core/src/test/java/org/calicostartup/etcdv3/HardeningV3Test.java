package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What adversarial runs found on etcd v3 (issue 12), each as a class of inputs against a real etcd. */
class HardeningV3Test extends SharedEtcdV3Test {

    /** Every request timeout the parser accepts is one jetcd accepts (its retry policy once threw at <= 500 ms). */
    @ParameterizedTest
    @ValueSource(strings = {"50ms", "499ms", "500ms", "501ms", "1s", "24h"})
    void everyAcceptedRequestTimeoutWorks(String timeout) {
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_STARTUP_REQUEST_TIMEOUT", timeout),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(report.nodeCreated());
    }

    /** The shortest accepted timeouts either work or fail as timeouts naming the variable, never as a crash. */
    @ParameterizedTest
    @CsvSource({"CALICO_STARTUP_REQUEST_TIMEOUT, 10ms", "CALICO_STARTUP_TIMEOUT, 10ms"})
    void theShortestAcceptedTimeoutsFailCleanly(String variable, String value) {
        try {
            etcd.start(etcd.env("node-a", variable, value), EtcdV3Fixture.host("10.0.0.11/24"));
        } catch (StartupException e) {
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(variable), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"CALICO_STARTUP_REQUEST_TIMEOUT, 9ms", "CALICO_STARTUP_REQUEST_TIMEOUT, 25h",
        "CALICO_STARTUP_REQUEST_TIMEOUT, 2562047h", "CALICO_STARTUP_TIMEOUT, 1ns", "CALICO_STARTUP_TIMEOUT, 24h1s"})
    void timeoutsOutsideTheClientsRangeAreRefusedBeforeAnyIo(String variable, String value) {
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-a", variable, value), EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().contains(variable) && e.getMessage().contains("10ms to 24h"), e.getMessage());
        assertEquals(new TreeMap<>(), etcd.dump());
    }

    /** 2,000 levels of nested objects: Go decodes up to 10,000, Jackson's defaults stop at 1,000. */
    private static final String DEEP = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);

    /** A node whose spec holds {@link #DEEP} before its BGP address. */
    private static String deeplyNestedNode(String name, String ipv4) {
        return "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"" + name
                + "\",\"annotations\":{\"x\":\"y\"}},\"spec\":{\"junk\":" + DEEP + ",\"bgp\":{\"ipv4Address\":\""
                + ipv4 + "\"}}}";
    }

    /** A neighbour nested 2,000 levels deep still shows its address. */
    @Test
    void aDeeplyNestedNeighbourStillShowsItsAddress() {
        etcd.put(V3Keys.node("deep"), deeplyNestedNode("deep", "10.0.0.11/24"));
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
    }

    /**
     * This node's own stored value nested 2,000 levels deep: an address change rewrites it with the nested field as it
     * was. (Jackson's writer stops at 1,000 levels by default: the update used to fail.)
     */
    @Test
    void aDeeplyNestedOwnNodeIsUpdatedWithItsNestingKept() {
        etcd.put(V3Keys.node("node-a"), deeplyNestedNode("node-a", "10.0.0.12/24"));
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertFalse(report.nodeCreated());
        String stored = etcd.get(V3Keys.node("node-a")).orElseThrow();
        assertTrue(stored.contains("\"junk\":" + DEEP + ","), "nesting kept");
        assertTrue(stored.contains("\"ipv4Address\":\"10.0.0.11/24\""), stored.substring(stored.length() - 200));
    }

    /** A neighbour of 1 MB (etcd's request limit is 1.5 MiB) is read like any other. */
    @Test
    void aHugeNeighbourIsReadLikeAnyOther() {
        etcd.put(V3Keys.node("huge"), EtcdV3Fixture.calicoNode("huge", "10.0.0.11/24", 1_000_000));
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
    }

    /** An invalid UTF-8 byte outside the address: Go's decoder replaces it, and so does calico-startup. */
    @Test
    void anInvalidUtf8ByteDoesNotHideANeighboursAddress() {
        byte[] value = ("{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"bad\","
                + "\"labels\":{\"x\":\"?\"}},\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.11/24\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        int question = new String(value, StandardCharsets.UTF_8).indexOf('?');
        value[question] = (byte) 0xC3;
        EtcdV3Fixture.await(etcd.client().getKVClient().put(EtcdV3Fixture.bytes(V3Keys.node("bad")),
                io.etcd.jetcd.ByteSequence.from(value)));
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-a"), EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
    }

    /**
     * IP=0.0.0.0 and friends: registered as given, as calico-node does (parseIPEnvironment and GetLocalCIDR
     * @v3.22.1 take any address; 127.0.0.1 borrows lo's /8 like any local address).
     */
    @ParameterizedTest
    @CsvSource({"0.0.0.0, 0.0.0.0/32", "127.0.0.1, 127.0.0.1/8", "224.0.0.1, 224.0.0.1/32",
        "255.255.255.255, 255.255.255.255/32"})
    void addressesThatCannotBePeeredAreTakenAsCalicoTakesThem(String ip, String stored) {
        etcd.start(etcd.env("node-a", "IP", ip), EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(stored, etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address").asText());
    }

    /** A password typed into an endpoint URL never appears in the error. */
    @Test
    void aPasswordInAnEndpointUrlIsNeverEchoed() {
        java.util.Map<String, String> env = etcd.env("node-a", "ETCD_ENDPOINTS",
                "http://calico:s3cr3t-url-pw@127.0.0.1:2379");
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertFalse(e.getMessage().contains("s3cr3t-url-pw"), e.getMessage());
        assertTrue(e.getMessage().contains("calico:***@127.0.0.1") && e.getMessage().contains("ETCD_USERNAME"),
                e.getMessage());
    }
}
