package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with client certificates, authentication, failover and unreachable etcd, each against real etcd processes. */
class EtcdV3ConnectionTest {

    @TempDir
    Path tmp;

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

    /**
     * A member cut off from its peers by a network partition, still reachable by clients and listed first: it has no
     * leader, so it cannot serve a linearizable read (nor authenticate: that is a raft proposal in etcd 3.4). Every
     * call asks for a leader ({@code hasleader}), so it says "no leader" at once and the startup registers through the
     * next member — without waiting for its share of the request timeout ("did not answer … within"), and without
     * failing when its connection was already up; the refused attempt counts as a round trip. (That every datastore registers past such a member, and that it
     * serves again once healed: {@code DatastoreContract}.)
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "etcd auth: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aFirstMemberCutOffFromItsPeersSaysSoAtOnce(boolean auth) throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).firstMemberPartitionable().start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            Map<String, String> env = etcd.env("node-p", "ETCD_ENDPOINTS", cluster.endpoints());
            if (auth) {
                etcd.enableAuth("agent", "agent-pw");
                env.put("ETCD_USERNAME", "agent");
                env.put("ETCD_PASSWORD", "agent-pw");
            }
            cluster.cutOffFirstMember();
            assertTrue(env.get("ETCD_ENDPOINTS").startsWith(cluster.member(0).clientUri().toString()),
                    "the cut-off member is tried first: " + env.get("ETCD_ENDPOINTS"));
            StartupReport[] report = new StartupReport[1];
            List<String> warnings = Warnings.of(EtcdV3Connection.class, () ->
                    report[0] = etcd.start(env, EtcdV3Fixture.host("10.0.0.11/24")));
            assertTrue(report[0].nodeCreated());
            assertEquals(List.of("etcd member " + cluster.member(0).clientUri() + " is busy (etcdserver: no leader) "
                    + "for read the cluster; trying the next one"), warnings);
            // The answer "no leader" was a round trip too: the read, that answer's, the write.
            assertEquals(3, report[0].io().roundTrips(), report[0].summary());
        }
    }

    private static StartupReport start(Map<String, String> env) {
        return org.calicostartup.NodeStartup.builder(org.calicostartup.config.StartupConfig.fromEnvironment(env,
                new org.calicostartup.config.NodeNameResolver(() -> "unused")))
                .interfaces(EtcdV3Fixture.host("10.0.0.11/24")).build().run();
    }
}
