package org.calicostartup.benchmarks;

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
 * One full node startup per operation — a new node name each time, so the conflict check runs as on a first
 * registration — against a real etcd holding {@code clusterSize} nodes, {@code rttMillis} away behind the latency
 * proxy, after the connection is up. Secondary metrics: round trips, requests and bytes read per operation.
 *
 * <p>A combination whose predicted time (round trips × RTT) exceeds {@code budgetSeconds} is not run: its setup
 * fails with "skipped: predicted …", JMH goes on with the others, and the results table says so.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class StartupBenchmark {

    @Param({"calico26", "fastV2", "calico3", "fastV3"})
    public String mode;

    @Param({"0", "53", "500", "5000", "10000", "20000"})
    public int clusterSize;

    @Param({"0", "50", "217"})
    public int rttMillis;

    /** Combinations predicted to take longer than this per operation are skipped. */
    @Param("120")
    public int budgetSeconds;

    private BenchCluster cluster;
    private Datastore datastore;
    private DatastoreType type;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        long predictedMillis = BenchCluster.predictedRoundTrips(mode, clusterSize) * Math.max(rttMillis, 2);
        if (predictedMillis > budgetSeconds * 1000L) {
            throw new IllegalStateException("skipped: predicted " + predictedMillis / 1000 + " s per startup ("
                    + BenchCluster.predictedRoundTrips(mode, clusterSize) + " round trips × " + rttMillis
                    + " ms) > budget " + budgetSeconds + " s");
        }
        type = BenchCluster.datastoreType(mode);
        cluster = new BenchCluster(type, clusterSize, rttMillis);
        datastore = cluster.openDatastore(type);
    }

    /** Per-operation I/O, reported next to every time (one operation per iteration in single-shot mode). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Io {
        public long roundTrips;
        public long requests;
        public long bytesRead;

        @Setup(Level.Iteration)
        public void reset() {
            roundTrips = 0;
            requests = 0;
            bytesRead = 0;
        }
    }

    @TearDown(Level.Invocation)
    public void removeNewNode() throws Exception {
        int last = next - 1;
        String address = BenchCluster.address(last);
        cluster.removeNode(type, "bench-" + last, address.substring(0, address.indexOf('/')));
    }

    @Benchmark
    public StartupReport startup(Io io) {
        String name = "bench-" + next;
        StartupConfig config = StartupConfig.fromEnvironment(cluster.env(type, name), new NodeNameResolver(() -> name));
        StartupReport report = NodeStartup.builder(config).mode(BenchCluster.startupMode(mode)).datastore(datastore)
                .interfaces(BenchCluster.host(BenchCluster.address(next++))).build().run();
        io.roundTrips += report.io().roundTrips();
        io.requests += report.io().requests();
        io.bytesRead += report.io().bytesRead();
        return report;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (datastore != null) {
            datastore.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
