package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.auth.Permission;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;
import org.calicostartup.testing.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with client certificates, authentication, failover and unreachable etcd, each against real etcd processes. */
class EtcdV3ConnectionTest {

    @TempDir
    Path tmp;

    @Test
    void tlsWithClientCertificates() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            StartupReport report = etcd.start(etcd.env("node-tls"), EtcdV3Fixture.host("10.0.0.11/24"));
            assertEquals(2, report.io().roundTrips());
            assertEquals("10.0.0.11/24", etcd.json(V3Keys.node("node-tls")).path("spec").path("bgp")
                    .path("ipv4Address").asText());
        }
    }

    @Test
    void aServerSignedByAnotherCaIsRefusedWithinTheDeadline() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            TlsMaterial other = TlsMaterial.generate(tmp.resolve("other-ca"));
            Map<String, String> env = etcd.env("node-tls", "ETCD_CA_CERT_FILE", other.caCertFile().toString(),
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "3s", "CALICO_STARTUP_TIMEOUT", "6s");
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class,
                    () -> etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(cluster.endpoints()), e.getMessage());
            assertTrue(e.getMessage().contains(other.caCertFile().toString()), "names the CA file: " + e.getMessage());
            assertTrue(etcd.get(V3Keys.node("node-tls")).isEmpty());
        }
    }

    @Test
    void usernameAndPasswordWithARoleLimitedToCalicoKeys() {
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            Auth auth = etcd.client().getAuthClient();
            EtcdV3Fixture.await(auth.userAdd(EtcdV3Fixture.bytes("root"), EtcdV3Fixture.bytes("root-pw")));
            EtcdV3Fixture.await(auth.userGrantRole(EtcdV3Fixture.bytes("root"), EtcdV3Fixture.bytes("root")));
            EtcdV3Fixture.await(auth.roleAdd(EtcdV3Fixture.bytes("calico")));
            EtcdV3Fixture.await(auth.roleGrantPermission(EtcdV3Fixture.bytes("calico"),
                    EtcdV3Fixture.bytes("/calico/"), EtcdV3Fixture.bytes("/calico0"), Permission.Type.READWRITE));
            EtcdV3Fixture.await(auth.userAdd(EtcdV3Fixture.bytes("calico-startup"), EtcdV3Fixture.bytes("s3cr3t-pw")));
            EtcdV3Fixture.await(auth.userGrantRole(EtcdV3Fixture.bytes("calico-startup"),
                    EtcdV3Fixture.bytes("calico")));
            EtcdV3Fixture.await(auth.authEnable());

            StartupReport report = etcd.start(etcd.env("node-auth", "ETCD_USERNAME", "calico-startup",
                    "ETCD_PASSWORD", "s3cr3t-pw"), EtcdV3Fixture.host("10.0.0.11/24"));
            assertTrue(report.nodeCreated());

            PrintStream out = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            StartupException e;
            try {
                System.setOut(new PrintStream(captured, true));
                e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-auth2",
                        "ETCD_USERNAME", "calico-startup", "ETCD_PASSWORD", "wrong-pw"),
                        EtcdV3Fixture.host("10.0.0.12/24")));
            } finally {
                System.setOut(out);
            }
            System.out.println("unauthorized: " + e.getMessage());
            assertEquals(StartupException.Reason.UNAUTHORIZED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("calico-startup"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw"), e.getMessage());
            assertFalse(captured.toString().contains("wrong-pw"), "password in logs");

            long start = System.nanoTime();
            StartupException waited = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-auth3",
                    "ETCD_USERNAME", "calico-startup", "ETCD_PASSWORD", "wrong-pw", "WAIT_FOR_DATASTORE", "true"),
                    EtcdV3Fixture.host("10.0.0.13/24")));
            assertEquals(StartupException.Reason.UNAUTHORIZED, waited.reason(), "never retried: " + waited);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
                    "no retry storm on a wrong password");
        }
    }

    @Test
    void theFirstListedMemberBeingDownDoesNotMatter() {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            cluster.member(0).kill();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            StartupReport report = etcd.start(etcd.env("node-ha", "CALICO_STARTUP_REQUEST_TIMEOUT", "5s"),
                    EtcdV3Fixture.host("10.0.0.11/24"));
            assertTrue(report.nodeCreated(), report.summary());
        }
    }

    @Test
    void aRefusedPortFailsFastNamingTheEndpoints() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("ETCD_ENDPOINTS", "http://127.0.0.1:" + port, "NODENAME", "node-x",
                "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString(), "IP", "10.0.0.11/24",
                "CALICO_STARTUP_REQUEST_TIMEOUT", "2s", "CALICO_STARTUP_TIMEOUT", "4s");
        StartupException e = assertThrows(StartupException.class, () -> start(env));
        assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aPortThatAcceptsAndNeverAnswersFailsByTheDeadline() {
        try (EtcdCluster cluster = EtcdCluster.single();
                LatencyProxy blackhole = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ZERO)) {
            blackhole.stall();
            Map<String, String> env = Map.of("ETCD_ENDPOINTS", blackhole.uri("http").toString(), "NODENAME",
                    "node-x", "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString(), "IP", "10.0.0.11/24",
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "1s", "CALICO_STARTUP_TIMEOUT", "3s");
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> start(env));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(1)) >= 0 && took.compareTo(Duration.ofSeconds(30)) < 0,
                    "bounded by the deadline, took " + took);
            assertTrue(e.getMessage().contains(blackhole.uri("http").toString()), e.getMessage());
        }
    }

    @Test
    void waitForDatastoreRetriesUntilEtcdAnswers() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single();
                LatencyProxy flaky = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ZERO)) {
            flaky.stall();
            Map<String, String> env = Map.of("ETCD_ENDPOINTS", flaky.uri("http").toString(), "NODENAME", "node-w",
                    "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString(), "IP", "10.0.0.11/24",
                    "WAIT_FOR_DATASTORE", "true", "CALICO_STARTUP_REQUEST_TIMEOUT", "1s",
                    "CALICO_STARTUP_TIMEOUT", "40s", "FELIX_IPV6SUPPORT", "false");
            Thread resume = new Thread(() -> {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException ignored) {
                    return;
                }
                flaky.resume();
            });
            resume.start();
            StartupReport report = start(env);
            resume.join();
            assertTrue(report.nodeCreated());
            assertTrue(report.io().requests() > 2, "the first attempts timed out: " + report.summary());
        }
    }

    private static StartupReport start(Map<String, String> env) {
        return org.calicostartup.NodeStartup.builder(org.calicostartup.config.StartupConfig.fromEnvironment(env,
                new org.calicostartup.config.NodeNameResolver(() -> "unused")))
                .interfaces(EtcdV3Fixture.host("10.0.0.11/24")).build().run();
    }
}
