package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults on etcd v2: silence, waiting, a connection killed between writes, quorum loss, odd stored data, TLS. */
class V2FaultsTest {

    @TempDir
    Path tmp;

    @Test
    void aSilentEndpointFailsByTheDeadline() {
        try (EtcdCluster cluster = EtcdCluster.single();
                LatencyProxy blackhole = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ZERO)) {
            blackhole.stall();
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-x",
                    "ETCD_ENDPOINTS", blackhole.uri("http").toString(), "IP", "10.0.0.11/24",
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "1s", "CALICO_STARTUP_TIMEOUT", "3s"),
                    EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(blackhole.uri("http").toString()), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
        }
    }

    @Test
    void waitForDatastoreRetriesUntilEtcdAnswers() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single();
                LatencyProxy flaky = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ZERO)) {
            flaky.stall();
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            CompletableFuture<Void> resume = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException ignored) {
                    return;
                }
                flaky.resume();
            });
            StartupReport report = etcd.start(etcd.env("node-w", "ETCD_ENDPOINTS", flaky.uri("http").toString(),
                    "WAIT_FOR_DATASTORE", "true", "CALICO_STARTUP_REQUEST_TIMEOUT", "1s", "CALICO_STARTUP_TIMEOUT",
                    "40s"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
            resume.get(10, TimeUnit.SECONDS);
            assertTrue(report.nodeCreated());
        }
    }

    @Test
    void aConnectionKilledBetweenWritesLeavesAHalfNodeThatTheNextStartRepairs() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single();
                LatencyProxy proxy = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ofMillis(60))) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            Map<String, String> env = etcd.env("node-h", "ETCD_ENDPOINTS", proxy.uri("http").toString(),
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "2s", "CALICO_STARTUP_TIMEOUT", "6s");
            // calico26 writes the node's keys one request at a time: cut the connection right after the first.
            CompletableFuture<Void> cutter = CompletableFuture.runAsync(() -> {
                while (!etcd.dump().containsKey("/calico/v1/host/node-h/metadata")) {
                    Thread.onSpinWait();
                }
                proxy.stall();
                proxy.dropConnections();
            });
            assertThrows(StartupException.class, () -> etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.CALICO_REFERENCE));
            cutter.get(10, TimeUnit.SECONDS);
            TreeMap<String, String> half = etcd.dump();
            assertTrue(half.containsKey("/calico/v1/host/node-h/metadata"));
            assertFalse(half.containsKey("/calico/bgp/v1/host/node-h/network_v4"), "half-written: " + half);

            proxy.resume();
            etcd.start(etcd.env("node-h"), EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
            TreeMap<String, String> repaired = etcd.dump();
            assertEquals("10.0.0.11", repaired.get("/calico/bgp/v1/host/node-h/ip_addr_v4"));
            assertEquals("10.0.0.0/24", repaired.get("/calico/bgp/v1/host/node-h/network_v4"));
            assertEquals("10.0.0.11", repaired.get("/calico/v1/host/node-h/bird_ip"));
            assertEquals("", repaired.get("/calico/bgp/v1/host/node-h/ip_addr_v6"));
        }
    }

    @Test
    void quorumLostMidStartupFailsClearlyWithinTheDeadline() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                LatencyProxy proxy = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ofMillis(50))) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
                while (proxy.bytesFromTarget() == 0) {
                    Thread.onSpinWait();
                }
                cluster.member(1).kill();
                cluster.member(2).kill();
            });
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-q",
                    "ETCD_ENDPOINTS", proxy.uri("http").toString(), "CALICO_STARTUP_REQUEST_TIMEOUT", "3s",
                    "CALICO_STARTUP_TIMEOUT", "8s"), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.CALICO_REFERENCE));
            killer.get(30, TimeUnit.SECONDS);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(60)) < 0);
        }
    }

    @Test
    void hugeValuesAndDirectoriesWhereKeysBelongAreSkipped() {
        try (EtcdCluster cluster = EtcdCluster.single()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            etcd.put("/calico/v1/host/huge/metadata", "{}");
            etcd.put("/calico/bgp/v1/host/huge/ip_addr_v4", "1".repeat(200_000));
            etcd.put("/calico/v1/host/dir-host/metadata", "{}");
            etcd.put("/calico/bgp/v1/host/dir-host/ip_addr_v4/oops", "10.0.0.11");
            etcd.put("/calico/v1/ipam/v4/pool/10.5.0.0-16/nested", "{}");
            StartupReport report = etcd.start(etcd.env("node-a"), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.FAST);
            assertTrue(report.conflictCheckRan());
            assertTrue(report.conflicts().isEmpty());
        }
    }

    @Test
    void aServerCertificateWithoutTheDialledNameIsRefusedNamingWhy() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).serverNames("etcd.example.com").start()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-t"),
                    EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().toLowerCase().contains("subject"),
                    e.getMessage());
        }
    }

    @Test
    void threeNodesRebootedWithRotatedAddressesAllComeUp() {
        try (EtcdCluster cluster = EtcdCluster.single()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            String[] names = {"node-1", "node-2", "node-3"};
            for (int i = 0; i < 3; i++) {
                etcd.start(etcd.env(names[i], "IP", "autodetect"), EtcdV2Fixture.host("10.0.0." + (i + 1) + "/24"),
                        StartupMode.FAST);
            }
            boolean[] up = new boolean[3];
            for (int round = 0; round < 3 && !(up[0] && up[1] && up[2]); round++) {
                for (int i = 0; i < 3; i++) {
                    if (up[i]) {
                        continue;
                    }
                    try {
                        etcd.start(etcd.env(names[i], "IP", "autodetect"),
                                EtcdV2Fixture.host("10.0.0." + ((i + 1) % 3 + 1) + "/24"), StartupMode.FAST);
                        up[i] = true;
                    } catch (StartupException e) {
                        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
                    }
                }
            }
            assertTrue(up[0] && up[1] && up[2], "every node came up within three restarts");
            TreeMap<String, String> dump = etcd.dump();
            for (int i = 0; i < 3; i++) {
                assertEquals("10.0.0." + ((i + 1) % 3 + 1), dump.get("/calico/bgp/v1/host/" + names[i] + "/ip_addr_v4"));
            }
        }
    }

    @Test
    void twoHundredConcurrentStartupsOnTwoThousandHostsLoseNothing() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            etcd.seedHosts(2000);
            TreeMap<String, String> seeded = etcd.dump();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(200);
            java.util.List<java.util.concurrent.Future<StartupReport>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = "load-" + i;
                String ip = "10.2." + (i / 250) + "." + (i % 250 + 1);
                futures.add(pool.submit(() -> etcd.start(etcd.env(name), EtcdV2Fixture.host(ip + "/16"),
                        StartupMode.FAST)));
            }
            int retries = 0;
            try {
                for (java.util.concurrent.Future<StartupReport> future : futures) {
                    retries += future.get(300, TimeUnit.SECONDS).retries();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, retries, "distinct addresses never contend");
            TreeMap<String, String> after = etcd.dump();
            for (Map.Entry<String, String> entry : seeded.entrySet()) {
                if (!entry.getValue().equals(EtcdV2Fixture.DIR)) {
                    assertEquals(entry.getValue(), after.get(entry.getKey()), "untouched: " + entry.getKey());
                }
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("10.2." + (i / 250) + "." + (i % 250 + 1),
                        after.get("/calico/bgp/v1/host/load-" + i + "/ip_addr_v4"));
            }
        }
    }
}
