package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with client certificates (JDK only), v2 basic auth, failover and unreachable endpoints on real etcd. */
class EtcdV2ConnectionTest {

    @TempDir
    Path tmp;

    @Test
    void tlsWithClientCertificatesFromPemFiles() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            StartupReport report = etcd.start(etcd.env("node-tls"), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.FAST);
            assertTrue(report.nodeCreated());
            assertEquals("10.0.0.11", etcd.dump().get("/calico/bgp/v1/host/node-tls/ip_addr_v4"));
        }
    }

    @Test
    void aServerOfAnotherCaIsRefusedWithTheReason() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            TlsMaterial other = TlsMaterial.generate(tmp.resolve("other"));
            StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-tls",
                    "ETCD_CA_CERT_FILE", other.caCertFile().toString()), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.FAST));
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("PKIX") || e.getMessage().contains("certificat"), e.getMessage());
        }
    }

    /** Client keys as clusters have them — kubeadm's PKCS#1, cfssl's SEC1, PKCS#8 — register a node (etcd v2). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(org.calicostartup.testing.TlsMaterial.KeyForm.class)
    void everyClientKeyFormGoAcceptsRegistersAndAnEncryptedOneIsNamed(
            org.calicostartup.testing.TlsMaterial.KeyForm form) throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            Path[] client = cluster.tls().orElseThrow().writeClient(tmp.resolve("keys"), form);
            var env = etcd.env("node-tls", "ETCD_CERT_FILE", client[0].toString(), "ETCD_KEY_FILE",
                    client[1].toString());
            if (form != org.calicostartup.testing.TlsMaterial.KeyForm.RSA_PKCS8_ENCRYPTED) {
                assertTrue(etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST).nodeCreated());
                return;
            }
            StartupException e = assertThrows(StartupException.class, () -> etcd.start(env,
                    EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
            assertTrue(e.getMessage().contains(client[1] + " named by ETCD_KEY_FILE holds an encrypted key"),
                    e.getMessage());
        }
    }

    /** Members on 127.0.0.1, .2, .3, each with a certificate for its own address only, the first one down. */
    @Test
    void perMemberCertificatesWithTheFirstMemberDown() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).perMemberCertificates().start()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            cluster.member(0).kill();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            assertTrue(etcd.start(etcd.env("node-pm", "CALICO_STARTUP_REQUEST_TIMEOUT", "5s"),
                    EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST).nodeCreated());
        }
    }

    @Test
    void basicAuthWithARoleLimitedToCalicoKeys() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            String root = "Basic " + Base64.getEncoder().encodeToString("root:root-pw".getBytes());
            v2auth(cluster, "/v2/auth/users/root", "{\"user\":\"root\",\"password\":\"root-pw\"}", null);
            v2auth(cluster, "/v2/auth/roles/calico", "{\"role\":\"calico\",\"permissions\":{\"kv\":{\"read\":"
                    + "[\"/calico/*\"],\"write\":[\"/calico/*\"]}}}", null);
            v2auth(cluster, "/v2/auth/users/calico-startup", "{\"user\":\"calico-startup\",\"password\":"
                    + "\"s3cr3t-pw\",\"roles\":[\"calico\"]}", null);
            v2auth(cluster, "/v2/auth/enable", "", null);
            v2auth(cluster, "/v2/auth/roles/guest", "{\"role\":\"guest\",\"revoke\":{\"kv\":{\"read\":[\"/*\"],"
                    + "\"write\":[\"/*\"]}}}", root);

            StartupReport report = etcd.start(etcd.env("node-auth", "ETCD_USERNAME", "calico-startup",
                    "ETCD_PASSWORD", "s3cr3t-pw"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
            assertTrue(report.nodeCreated());

            StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-b",
                    "ETCD_USERNAME", "calico-startup", "ETCD_PASSWORD", "wrong-pw"),
                    EtcdV2Fixture.host("10.0.0.12/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.UNAUTHORIZED, e.reason(), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw"));
            StartupException anonymous = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-c"),
                    EtcdV2Fixture.host("10.0.0.13/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.UNAUTHORIZED, anonymous.reason(), anonymous.getMessage());
        }
    }

    @Test
    void theFirstListedMemberBeingDownDoesNotMatter() {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start()) {
            cluster.member(0).kill();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            StartupReport report = etcd.start(etcd.env("node-ha"), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.FAST);
            assertTrue(report.nodeCreated(), report.summary());
        }
    }

    @Test
    void noReachableEndpointFailsFastNamingThem() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("DATASTORE_TYPE", "etcdv2", "ETCD_ENDPOINTS", "http://127.0.0.1:" + port,
                "NODENAME", "node-x", "IP", "10.0.0.11/24", "CALICO_STARTUP_ENV_FILE",
                tmp.resolve("startup.env").toString(), "CALICO_STARTUP_REQUEST_TIMEOUT", "2s");
        StartupException e = assertThrows(StartupException.class, () -> org.calicostartup.NodeStartup.builder(
                org.calicostartup.config.StartupConfig.fromEnvironment(env,
                        new org.calicostartup.config.NodeNameResolver(() -> "x")))
                .interfaces(EtcdV2Fixture.host("10.0.0.11/24")).build().run());
        assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + port), e.getMessage());
    }

    private static void v2auth(EtcdCluster cluster, String path, String body, String authorization)
            throws Exception {
        EtcdV2Fixture.v2auth(cluster, path, body, authorization);
    }
}
