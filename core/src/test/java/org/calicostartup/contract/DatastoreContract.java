package org.calicostartup.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;
import org.calicostartup.testing.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The startup scenarios every datastore must pass, on real etcd: a subclass names the datastore
 * ({@link #open(EtcdCluster, Path)}) and runs them all. What is specific to one datastore — its layout, byte-exact
 * values, request and round-trip counts — stays in that datastore's own tests.
 */
public abstract class DatastoreContract {

    @TempDir
    protected Path tmp;

    private EtcdCluster shared;
    private ContractDatastore store;

    /** The datastore under test on {@code cluster}, files under {@code tmp}. */
    protected abstract ContractDatastore open(EtcdCluster cluster, Path tmp);

    @BeforeEach
    void startEtcd() {
        shared = EtcdCluster.single();
        store = open(shared, tmp);
    }

    @AfterEach
    void stopEtcd() {
        store.close();
        shared.close();
    }

    protected static InterfaceSource host(String... addresses) {
        return () -> List.of(HostInterface.of("lo", "127.0.0.1/8", "::1/128"), HostInterface.of("eth0", addresses));
    }

    // ------------------------------------------------------------------------------------------ registration

    @Test
    void aFirstRegistrationStoresTheAddressAndChecksConflicts() {
        StartupReport report = store.start(store.env("node-a"), host("10.0.0.11/24"));
        assertTrue(report.nodeCreated());
        assertTrue(report.conflictCheckRan());
        assertEquals("10.0.0.11/24", store.storedIpv4("node-a").orElseThrow());
    }

    @Test
    void aRestartWithTheSameAddressIsNoRegistrationAndNoConflictCheck() {
        store.start(store.env("node-a"), host("10.0.0.11/24"));
        StartupReport restart = store.start(store.env("node-a"), host("10.0.0.11/24"));
        assertFalse(restart.nodeCreated());
        assertFalse(restart.conflictCheckRan());
        assertEquals("10.0.0.11/24", store.storedIpv4("node-a").orElseThrow());
    }

    @Test
    void anUpdateKeepsWhatCalicoStartupDoesNotOwn() {
        store.start(store.env("node-a"), host("10.0.0.11/24"));
        store.addForeignField("node-a");
        store.start(store.env("node-a"), host("10.0.0.12/24"));
        assertEquals("10.0.0.12/24", store.storedIpv4("node-a").orElseThrow());
        assertTrue(store.hasForeignField("node-a"));
    }

    @ParameterizedTest
    @EnumSource(StartupMode.class)
    void aConflictFailsWithCalicosMessageAndWritesNothing(StartupMode mode) {
        store.seedNode("other", "10.0.0.11/24");
        TreeMap<String, String> before = store.dump();
        StartupException e = assertThrows(StartupException.class, () ->
                store.start(store.env("node-a"), host("10.0.0.11/24"), mode));
        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason());
        assertEquals("Calico node 'other' is already using the IPv4 address 10.0.0.11.", e.getMessage());
        assertTrue(store.storedIpv4("node-a").isEmpty());
        // Every key and value as before; only calico-startup's own claim area may keep an empty directory (etcd v2).
        TreeMap<String, String> after = store.dump();
        after.keySet().removeIf(k -> k.startsWith("/calico/startup"));
        before.keySet().removeIf(k -> k.startsWith("/calico/startup"));
        assertEquals(before, after);
    }

    /** calico#1471: three nodes rebooted with each other's addresses all come up within three restarts. */
    @Test
    void nodesRebootedWithRotatedAddressesAllComeUp() {
        String[] names = {"node-1", "node-2", "node-3"};
        for (int i = 0; i < 3; i++) {
            store.start(store.env(names[i], "IP", "autodetect"), host("10.0.0." + (i + 1) + "/24"));
        }
        boolean[] up = new boolean[3];
        for (int round = 0; round < 3 && !(up[0] && up[1] && up[2]); round++) {
            for (int i = 0; i < 3; i++) {
                if (!up[i]) {
                    try {
                        store.start(store.env(names[i], "IP", "autodetect"), host("10.0.0." + ((i + 1) % 3 + 1) + "/24"));
                        up[i] = true;
                    } catch (StartupException e) {
                        assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
                    }
                }
            }
        }
        assertTrue(up[0] && up[1] && up[2], "every node came up within three restarts");
        for (int i = 0; i < 3; i++) {
            assertEquals("10.0.0." + ((i + 1) % 3 + 1) + "/24", store.storedIpv4(names[i]).orElseThrow());
        }
    }

    @Test
    void aNeighbourThatCannotBeReadIsSkippedNotFatal() {
        store.seedUnreadableNeighbour("garbage");
        store.seedNode("fine", "10.0.0.99/24");
        assertTrue(store.start(store.env("node-a"), host("10.0.0.11/24")).nodeCreated());
    }

    @Test
    void aNameThatCouldLeaveItsSubtreeIsRefusedAndNothingIsWritten() {
        StartupException e = assertThrows(StartupException.class, () ->
                store.start(store.env("../x"), host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertEquals(new TreeMap<>(), store.dump());
    }

    // -------------------------------------------------------------------------------------------- concurrency

    @Test
    void tenNodesWithOneAddressExactlyOneWins() throws Exception {
        List<Integer> outcomes = race(10, i -> "10.0.0.11/24");
        assertEquals(1, outcomes.stream().filter(o -> o == 0).count(), "one winner: " + outcomes);
        assertEquals(9, outcomes.stream().filter(o -> o == 1).count(), "nine conflicts: " + outcomes);
    }

    /** 200 nodes with distinct addresses at once on a cluster of 2,000: all register, nothing else changes. */
    @Test
    void twoHundredDistinctNodesAtOnceOnTwoThousandAllRegisterAndTouchNothingElse() throws Exception {
        store.seedNodes(2000);
        TreeMap<String, String> seeded = store.dump();
        List<Integer> outcomes = race(200, i -> "10.2." + (i / 250) + "." + (i % 250 + 1) + "/16");
        assertTrue(outcomes.stream().allMatch(o -> o == 0), "all registered: " + outcomes);
        TreeMap<String, String> after = store.dump();
        for (Map.Entry<String, String> entry : seeded.entrySet()) {
            assertEquals(entry.getValue(), after.get(entry.getKey()), "untouched: " + entry.getKey());
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("10.2." + (i / 250) + "." + (i % 250 + 1) + "/16", store.storedIpv4("racer-" + i)
                    .orElseThrow());
        }
    }

    /**
     * {@code racers} startups released at once, on one shared datastore connection (as an agent would hold one);
     * outcome per racer: 0 registered, 1 IP conflict. Distinct addresses must never make each other retry.
     */
    private List<Integer> race(int racers, java.util.function.IntFunction<String> address) throws Exception {
        // 200 first registrations reading 2,000 nodes at once on 2 cores: a minute per request (about what is
        // written, not how fast).
        Map<String, String> base = store.env("base", "CALICO_STARTUP_REQUEST_TIMEOUT", "60s");
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch go = new CountDownLatch(1);
        try (Datastore shared = NodeStartup.openDatastore(StartupConfig.fromEnvironment(base,
                new NodeNameResolver(() -> "x")).datastore())) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    try {
                        StartupReport report = NodeStartup.builder(StartupConfig.fromEnvironment(store.env(
                                "racer-" + n, "CALICO_STARTUP_TIMEOUT", "240s"), new NodeNameResolver(() -> "x")))
                                .datastore(shared).interfaces(host(address.apply(n))).reachProbe(d -> {
                                    throw new java.io.IOException("no routes in tests");
                                }).build().run();
                        return report.retries() == 0 || racers <= 10 ? 0 : 2;
                    } catch (StartupException e) {
                        if (e.reason() != StartupException.Reason.IP_CONFLICT) {
                            throw e;
                        }
                        return 1;
                    }
                }));
            }
            go.countDown();
            List<Integer> outcomes = new ArrayList<>();
            for (Future<Integer> future : futures) {
                outcomes.add(future.get(300, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    // --------------------------------------------------------------------------------- reachability, failures

    @Test
    void theFirstListedMemberBeingDownDoesNotMatter() {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                ContractDatastore three = open(cluster, tmp)) {
            cluster.member(0).kill();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            assertTrue(three.start(three.env("node-ha", "CALICO_STARTUP_REQUEST_TIMEOUT", "5s"),
                    host("10.0.0.11/24")).nodeCreated());
        }
    }

    /**
     * The leader killed just before the startup (listed first): the others elect a new one while the startup's
     * first calls arrive; it registers within the default deadlines.
     */
    @Test
    void aStartupDuringALeaderElectionRegisters() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                ContractDatastore three = open(cluster, tmp)) {
            int leader = leader(cluster);
            List<String> endpoints = new ArrayList<>();
            endpoints.add(cluster.member(leader).clientUri().toString());
            for (int m = 0; m < 3; m++) {
                if (m != leader) {
                    endpoints.add(cluster.member(m).clientUri().toString());
                }
            }
            cluster.member(leader).kill();
            StartupReport report = three.start(three.env("node-l", "ETCD_ENDPOINTS", String.join(",", endpoints)),
                    host("10.0.0.11/24"));
            assertTrue(report.nodeCreated(), report.summary());
        }
    }

    /** The index of the member that leads, from etcd's own {@code /v2/stats/self}. */
    private static int leader(EtcdCluster cluster) throws Exception {
        for (int m = 0; m < cluster.members().size(); m++) {
            java.net.http.HttpResponse<String> self = cluster.httpClient().send(java.net.http.HttpRequest
                    .newBuilder(cluster.member(m).clientUri().resolve("/v2/stats/self")).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (self.body().contains("\"StateLeader\"")) {
                return m;
            }
        }
        throw new AssertionError("no member says it leads: " + cluster);
    }

    /**
     * A first listed member that accepts connections but never answers (frozen with SIGSTOP): it gets its share of
     * the request timeout, not all of it, and the startup registers through the next member within the deadline.
     */
    @Test
    void aFrozenFirstListedMemberDoesNotMatter() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                ContractDatastore three = open(cluster, tmp)) {
            String pid = Long.toString(cluster.member(0).pid());
            assertEquals(0, new ProcessBuilder("kill", "-STOP", pid).start().waitFor());
            try {
                assertTrue(three.env("node-f").get("ETCD_ENDPOINTS").startsWith(cluster.member(0).clientUri()
                        .toString()), "the frozen member is listed first");
                assertTrue(three.start(three.env("node-f", "CALICO_STARTUP_REQUEST_TIMEOUT", "6s",
                        "CALICO_STARTUP_TIMEOUT", "40s"), host("10.0.0.11/24")).nodeCreated());
            } finally {
                new ProcessBuilder("kill", "-CONT", pid).start().waitFor();
            }
        }
    }

    /**
     * The first listed member cut off from the others by a network partition, still reachable by clients: it has no
     * leader and cannot serve a linearizable or quorum read; the startup registers through the next member, and
     * once healed the member serves again.
     */
    @Test
    void theFirstListedMemberCutOffFromItsPeersDoesNotMatter() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).firstMemberPartitionable().start();
                ContractDatastore three = open(cluster, tmp)) {
            cluster.cutOffFirstMember();
            assertTrue(three.env("node-p").get("ETCD_ENDPOINTS").startsWith(cluster.member(0).clientUri()
                    .toString()), "the cut-off member is listed first");
            // etcd v2 has no way to ask for a leader: its member answers when etcd's own request timeout passes
            // (6 s with the harness's election timeout), so the request timeout must leave time after it.
            StartupReport past = three.start(three.env("node-p", "CALICO_STARTUP_REQUEST_TIMEOUT", "20s"),
                    host("10.0.0.11/24"));
            assertTrue(past.nodeCreated());
            cluster.reconnectFirstMember();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            // The reconnected member may still force an election (its term ran ahead while it was cut off): a
            // first startup through it absorbs that, so that the one compared below meets a settled cluster.
            three.start(three.env("node-warm", "ETCD_ENDPOINTS", cluster.member(0).clientUri().toString(),
                    "CALICO_STARTUP_REQUEST_TIMEOUT", "20s"), host("10.0.0.13/24"));
            cluster.awaitHealthy(Duration.ofSeconds(30));
            StartupReport healed = three.start(three.env("node-q", "ETCD_ENDPOINTS",
                    cluster.member(0).clientUri().toString()), host("10.0.0.12/24"));
            assertTrue(healed.nodeCreated());
            // The same registration; the cut-off member's answer cost one round trip more, and is counted.
            assertEquals(healed.io().roundTrips() + 1, past.io().roundTrips(), past.summary() + " / "
                    + healed.summary());
        }
    }

    @Test
    void quorumLostMidStartupFailsClearlyWithinTheDeadline() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start();
                ContractDatastore three = open(cluster, tmp);
                LatencyProxy proxy = LatencyProxy.start(cluster.member(0).clientUri(), Duration.ofMillis(50))) {
            CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
                while (proxy.bytesFromTarget() == 0) {
                    Thread.onSpinWait();
                }
                cluster.member(1).kill();
                cluster.member(2).kill();
            });
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> three.start(three.env("node-q",
                    "ETCD_ENDPOINTS", proxy.uri("http").toString(), "CALICO_STARTUP_REQUEST_TIMEOUT", "3s",
                    "CALICO_STARTUP_TIMEOUT", "8s"), host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE));
            killer.get(30, TimeUnit.SECONDS);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(proxy.uri("http").toString()), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(60)) < 0);
        }
    }

    @Test
    void aRefusedPortFailsFastNamingTheEndpoint() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();
        StartupException e = assertThrows(StartupException.class, () -> store.start(store.env("node-x",
                "ETCD_ENDPOINTS", "http://127.0.0.1:" + port, "CALICO_STARTUP_REQUEST_TIMEOUT", "5s",
                "CALICO_STARTUP_TIMEOUT", "10s"), host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0,
                "fails on the refusal, not at the deadline");
    }

    @Test
    void aSilentEndpointFailsByTheDeadline() {
        try (LatencyProxy blackhole = LatencyProxy.start(shared.member(0).clientUri(), Duration.ZERO)) {
            blackhole.stall();
            long start = System.nanoTime();
            StartupException e = assertThrows(StartupException.class, () -> store.start(store.env("node-x",
                    "ETCD_ENDPOINTS", blackhole.uri("http").toString(), "CALICO_STARTUP_REQUEST_TIMEOUT", "1s",
                    "CALICO_STARTUP_TIMEOUT", "3s"), host("10.0.0.11/24")));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(1)) >= 0 && took.compareTo(Duration.ofSeconds(30)) < 0,
                    "bounded by the deadline, took " + took);
            assertTrue(e.getMessage().contains(blackhole.uri("http").toString()), e.getMessage());
        }
    }

    @Test
    void aServerOfAnotherCaIsRefused() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start();
                ContractDatastore tls = open(cluster, tmp)) {
            TlsMaterial other = TlsMaterial.generate(tmp.resolve("other-ca"));
            StartupException e = assertThrows(StartupException.class, () -> tls.start(tls.env("node-tls",
                    "ETCD_CA_CERT_FILE", other.caCertFile().toString(), "CALICO_STARTUP_REQUEST_TIMEOUT", "3s"),
                    host("10.0.0.11/24")));
            assertEquals(StartupException.Reason.DATASTORE_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(tls.storedIpv4("node-tls").isEmpty());
        }
    }

    @Test
    void tlsWithClientCertificatesRegisters() {
        try (EtcdCluster cluster = EtcdCluster.builder().tls(true).start();
                ContractDatastore tls = open(cluster, tmp)) {
            assertTrue(tls.start(tls.env("node-tls"), host("10.0.0.11/24")).nodeCreated());
            assertEquals("10.0.0.11/24", tls.storedIpv4("node-tls").orElseThrow());
        }
    }

    @Test
    void authWithARoleOnCalicosKeysWorksAndAWrongPasswordIsUnauthorizedAndNeverEchoed() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single(); ContractDatastore auth = open(cluster, tmp)) {
            auth.enableAuth("calico-startup", "s3cr3t-pw");
            assertTrue(auth.start(auth.env("node-auth", "ETCD_USERNAME", "calico-startup", "ETCD_PASSWORD",
                    "s3cr3t-pw"), host("10.0.0.11/24")).nodeCreated());
            StartupException e = assertThrows(StartupException.class, () -> auth.start(auth.env("node-b",
                    "ETCD_USERNAME", "calico-startup", "ETCD_PASSWORD", "wrong-pw"), host("10.0.0.12/24")));
            assertEquals(StartupException.Reason.UNAUTHORIZED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("calico-startup"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw"), e.getMessage());

            StartupException anonymous = assertThrows(StartupException.class, () -> auth.start(auth.env("node-c"),
                    host("10.0.0.13/24")));
            assertEquals(StartupException.Reason.UNAUTHORIZED, anonymous.reason(), anonymous.getMessage());

            long start = System.nanoTime();
            StartupException waited = assertThrows(StartupException.class, () -> auth.start(auth.env("node-d",
                    "ETCD_USERNAME", "calico-startup", "ETCD_PASSWORD", "wrong-pw", "WAIT_FOR_DATASTORE", "true"),
                    host("10.0.0.14/24")));
            assertEquals(StartupException.Reason.UNAUTHORIZED, waited.reason(), "never retried: " + waited);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0,
                    "no retry storm on a wrong password");
        }
    }

    @Test
    void waitForDatastoreRetriesUntilEtcdAnswers() throws Exception {
        try (LatencyProxy flaky = LatencyProxy.start(shared.member(0).clientUri(), Duration.ZERO)) {
            flaky.stall();
            CompletableFuture<Void> resume = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException ignored) {
                    return;
                }
                flaky.resume();
            });
            StartupReport report = store.start(store.env("node-w", "ETCD_ENDPOINTS", flaky.uri("http").toString(),
                    "WAIT_FOR_DATASTORE", "true", "CALICO_STARTUP_REQUEST_TIMEOUT", "1s", "CALICO_STARTUP_TIMEOUT",
                    "40s"), host("10.0.0.11/24"));
            resume.get(10, TimeUnit.SECONDS);
            assertTrue(report.nodeCreated());
            assertTrue(report.io().requests() > 2, "the first attempts got no answer: " + report.summary());
        }
    }

}
