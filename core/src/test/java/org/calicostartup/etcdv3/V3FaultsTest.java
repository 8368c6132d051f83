package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.IoStats;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;
import org.calicostartup.testing.TlsMaterial;
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
    void quorumLostMidStartupFailsClearlyWithinTheDeadline() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp);
                LatencyProxy proxy = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ofMillis(50))) {
            Map<String, String> env = etcd.env("node-q", "ETCD_ENDPOINTS", proxy.uri("http").toString(),
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "3s", "CALICO_STARTUP_TIMEOUT", "8s");
            IoStats stats = new IoStats();
            CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
                while (stats.completed() < 2) {
                    Thread.onSpinWait();
                }
                cluster.member(1).kill();
                cluster.member(2).kill();
            });
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> NodeStartup.builder(
                    StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "x")))
                    .mode(StartupMode.CALICO_REFERENCE).interfaces(EtcdV3Fixture.host("10.0.0.11/24")).ioStats(stats)
                    .build().run());
            killer.get(30, TimeUnit.SECONDS);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(proxy.uri("http").toString()), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(60)) < 0);
        }
    }

    @Test
    void threeNodesRebootedWithRotatedAddressesAllComeUp() {
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            String[] names = {"node-1", "node-2", "node-3"};
            for (int i = 0; i < 3; i++) {
                etcd.start(etcd.env(names[i]), EtcdV3Fixture.host("10.0.0." + (i + 1) + "/24"));
            }
            // calico#1471: after the reboot node-1 has node-2's address, node-2 node-3's, node-3 node-1's.
            boolean[] up = new boolean[3];
            for (int round = 0; round < 3 && !(up[0] && up[1] && up[2]); round++) {
                for (int i = 0; i < 3; i++) {
                    if (up[i]) {
                        continue;
                    }
                    try {
                        etcd.start(etcd.env(names[i]), EtcdV3Fixture.host("10.0.0." + ((i + 1) % 3 + 1) + "/24"));
                        up[i] = true;
                    } catch (StartupException e) {
                        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
                    }
                }
            }
            assertTrue(up[0] && up[1] && up[2], "every node came up within three restarts");
            for (int i = 0; i < 3; i++) {
                assertEquals("10.0.0." + ((i + 1) % 3 + 1) + "/24", etcd.json(V3Keys.node(names[i])).path("spec")
                        .path("bgp").path("ipv4Address").asText());
            }
        }
    }

    @Test
    void twoHundredConcurrentStartupsOnTwoThousandNodesLoseNothing() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            etcd.seedNodes(2000, 1000);
            TreeMap<String, String> seeded = etcd.dump();
            StartupConfig base = StartupConfig.fromEnvironment(etcd.env("base", "CALICO_STARTUP_REQUEST_TIMEOUT",
                    "60s"), new NodeNameResolver(() -> "x"));
            ExecutorService pool = Executors.newFixedThreadPool(200);
            try (Datastore shared = org.calicostartup.NodeStartup.openDatastore(base.datastore())) {
                List<Future<StartupReport>> futures = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String name = "load-" + i;
                    String ip = "10.2." + (i / 250) + "." + (i % 250 + 1);
                    // 200 reads of 2 MB at once on 2 cores can take longer than the default 10 s per request; this
                    // test is about what is written, so each request gets a minute.
                    futures.add(pool.submit(() -> NodeStartup.builder(StartupConfig.fromEnvironment(etcd.env(name,
                            "CALICO_STARTUP_REQUEST_TIMEOUT", "60s", "CALICO_STARTUP_TIMEOUT", "240s"),
                            new NodeNameResolver(() -> "x"))).datastore(shared)
                            .interfaces(EtcdV3Fixture.host(ip + "/16")).build().run()));
                }
                int retries = 0;
                for (Future<StartupReport> future : futures) {
                    retries += future.get(300, TimeUnit.SECONDS).retries();
                }
                assertEquals(0, retries, "distinct addresses never contend");
            } finally {
                pool.shutdownNow();
            }
            TreeMap<String, String> after = etcd.dump();
            for (Map.Entry<String, String> entry : seeded.entrySet()) {
                assertEquals(entry.getValue(), after.get(entry.getKey()), "untouched: " + entry.getKey());
            }
            for (int i = 0; i < 200; i++) {
                String ip = "10.2." + (i / 250) + "." + (i % 250 + 1);
                assertEquals(ip + "/16", etcd.json(V3Keys.node("load-" + i)).path("spec").path("bgp")
                        .path("ipv4Address").asText());
                assertEquals("{\"node\":\"load-" + i + "\"}", after.get(V3Keys.CLAIMS + "ipv4/" + ip));
            }
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
