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

}
