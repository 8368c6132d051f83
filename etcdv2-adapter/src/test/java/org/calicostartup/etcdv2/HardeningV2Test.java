package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What adversarial runs found on etcd v2 (issue 12), each as a class of inputs against a real etcd. */
class HardeningV2Test extends SharedEtcdV2Test {

    @ParameterizedTest
    @ValueSource(strings = {"50ms", "500ms", "501ms", "24h"})
    void everyAcceptedRequestTimeoutWorks(String timeout) {
        StartupReport report = etcd.start(etcd.env("node-a", "CALICO_STARTUP_REQUEST_TIMEOUT", timeout),
                EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertTrue(report.nodeCreated());
    }

    @ParameterizedTest
    @CsvSource({"CALICO_STARTUP_REQUEST_TIMEOUT, 10ms", "CALICO_STARTUP_TIMEOUT, 10ms"})
    void theShortestAcceptedTimeoutsFailCleanly(String variable, String value) {
        try {
            etcd.start(etcd.env("node-a", variable, value), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        } catch (StartupException e) {
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(variable), e.getMessage());
        }
    }

    /** Leases live at most five minutes whatever CALICO_STARTUP_TIMEOUT says. */
    @Test
    void leaseTtlsAreCapped() throws Exception {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_TIMEOUT", "24h"), EtcdV2Fixture.host("10.0.0.11/24"),
                StartupMode.FAST);
        long ttl = EtcdV2Fixture.JSON.readTree(etcd.getRaw("/calico/startup/v1/ipclaims/ipv4/10.0.0.11"))
                .path("node").path("ttl").asLong();
        assertTrue(ttl > 0 && ttl <= V2Leases.MAX_CLAIM_TTL_SECONDS, "ttl " + ttl);
    }

    /**
     * A neighbour's key 300 directories deep under the BGP tree or the config, or a 1 MB value, must not stop anyone
     * joining.
     */
    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void deepJunkNeverBlocksAJoin(StartupMode mode) {
        etcd.seedHost("node-x", "10.0.0.99", "10.0.0.0/24");
        etcd.put("/calico/bgp/v1/host/node-x" + "/d".repeat(300) + "/leaf", "junk");
        etcd.put("/calico/v1/config" + "/d".repeat(300) + "/leaf", "junk");
        etcd.put("/calico/bgp/v1/host/node-x/huge", "x".repeat(1_000_000));
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        assertTrue(report.nodeCreated());
        etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), mode);
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-b"), EtcdV2Fixture.host("10.0.0.99/24"), mode));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), "the deep neighbour's address still counts");
    }

    /** calico-node 2.6 reads only ip_addr_v4: a garbage network_v4 must not hide the address. */
    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void aGarbageNetworkDoesNotHideANeighboursAddress(StartupMode mode) {
        etcd.seedHost("node-x", "10.0.0.11", "not-a-network");
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), mode));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("'node-x'"), e.getMessage());
    }

    /** A claim that never expires (hand-made, or left by something else) is stale, as on etcd v3. */
    @Test
    void aClaimWithoutTtlDoesNotBlockItsAddressForever() {
        etcd.put("/calico/startup/v1/ipclaims/ipv4/10.0.0.11", "{\"node\":\"ghost\"}");
        StartupReport report = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertTrue(report.nodeCreated());
        assertEquals("{\"node\":\"node-a\"}", etcd.dump().get("/calico/startup/v1/ipclaims/ipv4/10.0.0.11"));
    }

    /** Any HTTP server answering 200 {} is not etcd: clear failure, exit code of a configuration error. */
    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"action\":\"get\",\"node\":{}}", "<html>hello</html>"})
    void aServerThatIsNotEtcdIsRefused(String body) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> env = etcd.env("node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:"
                    + server.getAddress().getPort());
            StartupException e = assertThrows(StartupException.class, () ->
                    etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.CONFIGURATION, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("not etcd"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0, 0.0.0.0/32", "224.0.0.1, 224.0.0.1/32"})
    void addressesThatCannotBePeeredAreTakenAsCalicoTakesThem(String ip, String network) {
        etcd.start(etcd.env("node-a", "IP", ip), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        TreeMap<String, String> dump = etcd.dump();
        assertEquals(ip, dump.get("/calico/bgp/v1/host/node-a/ip_addr_v4"));
        assertEquals(network, dump.get("/calico/bgp/v1/host/node-a/network_v4"));
    }

    @Test
    void aPasswordInAnAuthorityIsNeverEchoed() {
        Map<String, String> env = etcd.env("node-a", "ETCD_AUTHORITY", "calico:s3cr3t-url-pw@127.0.0.1:2379");
        env.remove("ETCD_ENDPOINTS");
        StartupException e = assertThrows(StartupException.class, () ->
                etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
        assertFalse(e.getMessage().contains("s3cr3t-url-pw"), e.getMessage());
    }
}
