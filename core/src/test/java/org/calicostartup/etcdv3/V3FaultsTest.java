package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.IoStats;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults and load on etcd v3 (operators-and-reliability §3e): a stall mid-startup, quorum lost, rotated IPs,
 * 200 startups at once on a 2,000-node cluster, TLS misconfigurations. Time bounds are loose upper bounds only.
 */
class V3FaultsTest {

    @TempDir
    Path tmp;

    @Test
    void aStallAfterTheReadEndsByTheDeadlineWithTheNodeAllOrNothing() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp);
                LatencyProxy proxy = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ofMillis(20))) {
            Map<String, String> env = etcd.env("node-s", "ETCD_ENDPOINTS", proxy.uri("http").toString(),
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "2s", "CALICO_STARTUP_TIMEOUT", "4s");
            IoStats stats = new IoStats();
            CompletableFuture<Void> staller = CompletableFuture.runAsync(() -> {
                while (stats.completed() < 1) {
                    Thread.onSpinWait();
                }
                proxy.stall();
            });
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> NodeStartup.builder(
                    StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "x")))
                    .interfaces(EtcdV3Fixture.host("10.0.0.11/24")).ioStats(stats).build().run());
            staller.get(10, TimeUnit.SECONDS);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
            proxy.dropConnections();
            proxy.resume();

            TreeMap<String, String> dump = etcd.dump();
            boolean node = dump.containsKey(V3Keys.node("node-s"));
            assertEquals(node, dump.containsKey(V3Keys.CLAIMS + "ipv4/10.0.0.11"), "all or nothing: " + dump);
            assertEquals(node, dump.containsKey(V3Keys.pool("default-ipv4-ippool")), "all or nothing: " + dump);

            StartupReport again = etcd.start(etcd.env("node-s"), EtcdV3Fixture.host("10.0.0.11/24"));
            assertEquals("10.0.0.11/24", again.after().ipv4().orElseThrow().toString());
        }
    }

    @Test
    void aServerCertificateWithoutTheDialledNameIsRefused() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).serverNames("etcd.example.com").start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-t",
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "3s"), EtcdV3Fixture.host("10.0.0.11/24")));
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"),
                    e.getMessage());
        }
    }
}
