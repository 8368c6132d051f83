package org.calicostartup.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupReport;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A fleet restart: {@code agents} registered nodes start again at the same moment (same addresses), each with
 * its own connection, against one etcd holding {@code clusterSize} other nodes {@code rttMillis} away. One
 * operation is the whole fleet; reported next to its time are the requests and bytes of the startups that
 * succeeded ({@code requests}, {@code bytesRead}: the agents' own accounting), every byte etcd sent through the
 * latency proxy ({@code bytesFromEtcd}: failed requests included), the agents whose startup failed
 * ({@code failedAgents}, their errors printed) and the p50/p99 of the successful startup times.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(1)
public class FleetRestartBenchmark {

    @Param({"calico26", "fastV2", "calico3", "fastV3"})
    public String mode;

    @Param({"50", "200"})
    public int agents;

    @Param({"500"})
    public int clusterSize;

    @Param({"50"})
    public int rttMillis;

    /**
     * {@code same}: every agent restarts with the address it has. {@code changed}: every restart brings a new one
     * (a fleet reboot with rotated addresses), on a cluster whose nodes hold their claims; this is what the claims
     * cover is for. {@code clash}: every agent of a restart comes back with one and the same new address (a fleet
     * handed one fixed IP by mistake): one registers it, every other fails with calico-node's conflict error — the
     * failures this benchmark counts.
     */
    @Param({"same"})
    public String addresses;

    /**
     * {@code on}: a claims cover may be created (clusters of 1,000 nodes and more); {@code watch}: too, with the nodes
     * changed since it found by a watch ({@code CALICO_STARTUP_CHANGED_NODES=watch}); {@code off}: never.
     */
    @Param({"on"})
    public String cover;

    private int restarts;

    private BenchCluster cluster;
    private DatastoreType type;
    private final List<Datastore> datastores = new ArrayList<>();
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        type = BenchCluster.datastoreType(mode);
        Map<String, String> settings = switch (cover) {
            case "on" -> Map.of();
            case "off" -> Map.of("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", Integer.toString(Integer.MAX_VALUE));
            case "watch" -> Map.of("CALICO_STARTUP_CHANGED_NODES", "watch");
            default -> throw new IllegalArgumentException("cover must be on, off or watch: " + cover);
        };
        if (!List.of("same", "changed", "clash").contains(addresses)) {
            throw new IllegalArgumentException("addresses must be same, changed or clash: " + addresses);
        }
        cluster = new BenchCluster(type, clusterSize, rttMillis, !addresses.equals("same"), settings);
        pool = Executors.newFixedThreadPool(agents);
        for (int i = 0; i < agents; i++) {
            datastores.add(cluster.openDatastore(type));
        }
        // The fleet registers once, straight to etcd and with calico-startup (the same data either way).
        try (Datastore direct = cluster.openDirectDatastore(type)) {
            for (int i = 0; i < agents; i++) {
                String name = "agent-" + i;
                NodeStartup.builder(StartupConfig.fromEnvironment(cluster.directEnv(type, name),
                        new NodeNameResolver(() -> name))).datastore(direct)
                        .interfaces(BenchCluster.host(BenchCluster.address(i))).build().run();
            }
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Fleet {
        public long requests;
        public long bytesRead;
        public long bytesFromEtcd;
        public long failedAgents;
        public long p50Millis;
        public long p99Millis;

        @Setup(Level.Iteration)
        public void reset() {
            requests = 0;
            bytesRead = 0;
            bytesFromEtcd = 0;
            failedAgents = 0;
            p50Millis = 0;
            p99Millis = 0;
        }
    }

    @Benchmark
    public int restartAll(Fleet fleet) throws Exception {
        int round = addresses.equals("same") ? 0 : ++restarts;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StartupReport>> futures = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            int agent = i;
            futures.add(pool.submit(() -> {
                go.await();
                return start(agent, round);
            }));
        }
        long servedBefore = cluster.bytesFromEtcd();
        go.countDown();
        List<Duration> times = new ArrayList<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (Future<StartupReport> future : futures) {
            try {
                StartupReport report = future.get(4, TimeUnit.HOURS);
                times.add(report.elapsed());
                fleet.requests += report.io().requests();
                fleet.bytesRead += report.io().bytesRead();
            } catch (ExecutionException e) {
                // A fleet restart that overloads etcd is what this benchmark measures: count it, do not abort.
                // Grouped by kind: the agent's name and the elapsed time taken out.
                String kind = String.valueOf(e.getCause().getMessage()).replaceAll("agent-\\d+", "agent-<n>")
                        .replaceAll("after \\d+ ms", "after <t> ms");
                failures.merge(kind, 1, Integer::sum);
            }
        }
        fleet.bytesFromEtcd += cluster.bytesFromEtcd() - servedBefore;
        fleet.failedAgents += agents - times.size();
        failures.forEach((message, count) -> System.err.println("failed agents: " + count + " × " + message));
        if (times.isEmpty()) {
            return 0;
        }
        times.sort(null);
        fleet.p50Millis = times.get(times.size() / 2).toMillis();
        fleet.p99Millis = times.get(Math.min(times.size() - 1, (int) Math.ceil(times.size() * 0.99) - 1)).toMillis();
        return times.size();
    }

    private StartupReport start(int agent, int round) {
        String name = "agent-" + agent;
        StartupConfig config = StartupConfig.fromEnvironment(cluster.env(type, name), new NodeNameResolver(() -> name));
        return NodeStartup.builder(config).mode(BenchCluster.startupMode(mode)).datastore(datastores.get(agent))
                .interfaces(BenchCluster.host(BenchCluster.address((addresses.equals("clash") ? 0 : agent)
                        + round * agents))).build().run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.shutdownNow();
        }
        datastores.forEach(Datastore::close);
        if (cluster != null) {
            cluster.close();
        }
    }
}
