package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with client certificates (JDK only), v2 basic auth, failover and unreachable endpoints on real etcd. */
class EtcdV2ConnectionTest {

    @TempDir
    Path tmp;

    /**
     * Closing the datastore ends the JDK HttpClient's selector thread, on Java 17 as on 21+: while it waits in
     * epoll_wait the JVM's exit waits up to 300 ms for it (the agent's etcd v2 runs took ~0.3 s longer).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void closingTheDatastoreEndsTheHttpClientsSelectorThread(boolean tls) {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(tls).start()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            java.util.Set<Thread> before = selectorThreads();
            org.calicostartup.config.StartupConfig config = org.calicostartup.config.StartupConfig.fromEnvironment(
                    etcd.env("node-a"), new org.calicostartup.config.NodeNameResolver(() -> "unused"));
            java.util.Set<Thread> ours;
            try (org.calicostartup.spi.Datastore datastore = org.calicostartup.NodeStartup.openDatastore(
                    config.datastore())) {
                datastore.survey(1, org.calicostartup.spi.Deadline.after(Duration.ofSeconds(30)));
                ours = selectorThreads();
                ours.removeAll(before);
                assertEquals(1, ours.size(), "the client's selector thread: " + ours);
                assertTrue(ours.iterator().next().isAlive());
            }
            assertTrue(ours.stream().noneMatch(Thread::isAlive), "still running after close: " + ours);
        }
    }

    private static java.util.Set<Thread> selectorThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> !t.getName().matches("HttpClient-\\d+-SelectorManager"));
        return threads;
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

    private static void v2auth(EtcdCluster cluster, String path, String body, String authorization)
            throws Exception {
        EtcdV2Fixture.v2auth(cluster, path, body, authorization);
    }
}
