package org.calicostartup.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.cli.ExitCodes;
import org.calicostartup.cli.Logging;
import org.calicostartup.cli.ProbeBudget;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.IoStats;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The story in one command: a local etcd, a Calico 2.6 cluster and a Calico v3 cluster of N nodes, the etcd
 * 217 ms away behind a latency proxy, and one new node started by calico-node's own request sequences and by
 * calico-startup, side by side, against the liveness probe's budget.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a local etcd, seed Calico 2.6 and v3 clusters, put it RTT away, and start a node in",
            "calico26, fastV2, calico3 and fastV3 modes side by side. Stops what it started."})
public final class DemoCommand implements Callable<Integer> {

    private static final ProbeBudget CALICO_26_PROBE = new ProbeBudget(10, 10, 6, 1);

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "53", description = "Existing nodes in each cluster (default 53).")
    int nodes;

    @Option(names = "--rtt-ms", defaultValue = "217", description = "Round-trip time to etcd in ms (default 217).")
    int rttMillis;

    @Option(names = "--modes", split = ",", defaultValue = "calico26,fastV2,calico3,fastV3",
            description = "Which of calico26, fastV2, calico3, fastV3 to run (default all).")
    List<String> modes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Logging.apply("error");
        EtcdInstall.ensureEtcd(out);
        Path work = Files.createTempDirectory("calico-startup-demo-");
        out.printf("Starting a local etcd (v2 and v3 APIs) ...%n");
        out.flush();
        try (EtcdCluster etcd = EtcdCluster.builder().start();
                LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ofMillis(rttMillis))) {
            out.printf("Seeding a Calico 2.6 cluster (etcd v2) and a Calico v3 cluster (etcd v3) of %d nodes each ...%n",
                    nodes);
            out.flush();
            seed(etcd.endpoints(), work);
            out.printf("etcd is now %d ms away (latency proxy on 127.0.0.1:%d). Starting one new node per mode:%n%n",
                    rttMillis, proxy.port());
            out.flush();
            List<Row> rows = new ArrayList<>();
            int index = 0;
            for (String mode : modes) {
                rows.add(runMode(mode, proxy.uri("http").toString(), work, ++index, out));
            }
            table(rows, out);
        } finally {
            deleteQuietly(work);
        }
        return ExitCodes.OK;
    }

    private record Row(String mode, String datastore, Duration time, StartupReport report, String failure) {
    }

    private Row runMode(String mode, String endpoints, Path work, int index, PrintWriter out) {
        DatastoreType type = mode.endsWith("26") || mode.endsWith("V2") ? DatastoreType.ETCDV2 : DatastoreType.ETCDV3;
        StartupMode startupMode = mode.startsWith("calico") ? StartupMode.CALICO_REFERENCE : StartupMode.FAST;
        if (!List.of("calico26", "fastV2", "calico3", "fastV3").contains(mode)) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Unknown demo mode " + mode
                    + " (accepted: calico26, fastV2, calico3, fastV3)");
        }
        String name = "demo-" + mode.toLowerCase();
        Map<String, String> env = env(type, endpoints, name, work);
        env.put("CALICO_STARTUP_TIMEOUT", "15m");
        env.put("CALICO_STARTUP_REQUEST_TIMEOUT", "60s");
        IoStats stats = new IoStats();
        StartupConfig config = StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> name));
        NodeStartup startup = NodeStartup.builder(config).mode(startupMode).ioStats(stats)
                .interfaces(host("10.99.0." + index + "/24")).build();
        long start = System.nanoTime();
        Thread progress = new Thread(() -> progress(mode, stats, start, out), "demo-progress");
        progress.setDaemon(true);
        progress.start();
        try {
            StartupReport report = startup.run();
            Duration time = Duration.ofNanos(System.nanoTime() - start);
            progress.interrupt();
            out.printf("\r%-9s done in %s: %d round trips, %d requests%s%n", mode, ProbeBudget.seconds(time),
                    report.io().roundTrips(), report.io().requests(), " ".repeat(20));
            out.flush();
            return new Row(mode, type.envValue(), time, report, null);
        } catch (StartupException e) {
            progress.interrupt();
            out.printf("\r%-9s FAILED: %s%n", mode, e.getMessage());
            out.flush();
            return new Row(mode, type.envValue(), Duration.ofNanos(System.nanoTime() - start), null, e.getMessage());
        }
    }

    /** A live line for the slow ones: requests answered so far and the time, against the probe's budget. */
    private static void progress(String mode, IoStats stats, long start, PrintWriter out) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(1000);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                out.printf("\r%-9s running: %d requests answered, %s%s", mode, stats.completed(),
                        ProbeBudget.seconds(elapsed), CALICO_26_PROBE.survives(elapsed) ? ""
                                : "  (a default liveness probe would have restarted it by now)");
                out.flush();
            }
        } catch (InterruptedException done) {
            // finished
        }
    }

    private void table(List<Row> rows, PrintWriter out) {
        out.printf("%n%d existing nodes, etcd %d ms away. calico-node 2.6's liveness probe (10 s delay, 6 × 10 s, "
                + "1 s timeout) restarts the pod ≈ %d s after it starts.%n%n", nodes, rttMillis,
                CALICO_26_PROBE.killedAfter().toSeconds());
        out.printf("%-9s %-7s %10s %12s %9s %12s  %s%n", "mode", "etcd", "time", "round trips", "requests",
                "bytes read", "liveness probe");
        for (Row row : rows) {
            if (row.report() == null) {
                out.printf("%-9s %-7s %10s  failed: %s%n", row.mode(), row.datastore(),
                        ProbeBudget.seconds(row.time()), row.failure());
                continue;
            }
            out.printf("%-9s %-7s %10s %12d %9d %12d  %s%n", row.mode(), row.datastore(),
                    ProbeBudget.seconds(row.time()), row.report().io().roundTrips(), row.report().io().requests(),
                    row.report().io().bytesRead(), CALICO_26_PROBE.survives(row.time()) ? "fits"
                            : "RESTARTED before it finishes");
        }
        out.flush();
    }

    /** Registers {@code nodes} nodes in each layout with calico-startup itself, straight to etcd (no latency). */
    private void seed(String endpoints, Path work) {
        for (DatastoreType type : DatastoreType.values()) {
            Map<String, String> base = env(type, endpoints, "seed", work);
            StartupConfig baseConfig = StartupConfig.fromEnvironment(base, new NodeNameResolver(() -> "seed"));
            try (Datastore datastore = NodeStartup.openDatastore(baseConfig.datastore())) {
                for (int i = 0; i < nodes; i++) {
                    String name = "node-" + i;
                    Map<String, String> env = env(type, endpoints, name, work);
                    env.put("CALICO_K8S_NODE_REF", name);
                    StartupConfig config = StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> name));
                    NodeStartup.builder(config).datastore(datastore)
                            .interfaces(host("172.16." + (i / 250) + "." + (i % 250 + 1) + "/16")).build().run();
                }
            }
        }
    }

    private static Map<String, String> env(DatastoreType type, String endpoints, String name, Path work) {
        Map<String, String> env = new HashMap<>();
        env.put("DATASTORE_TYPE", type.envValue());
        env.put("ETCD_ENDPOINTS", endpoints);
        env.put("NODENAME", name);
        env.put("IP", "autodetect");
        env.put("FELIX_IPV6SUPPORT", "false");
        env.put("CALICO_NODENAME_FILE", work.resolve(name + ".nodename").toString());
        env.put("CALICO_STARTUP_ENV_FILE", work.resolve(name + ".startup.env").toString());
        return env;
    }

    private static InterfaceSource host(String address) {
        return () -> List.of(HostInterface.of("lo", "127.0.0.1/8"), HostInterface.of("eth0", address));
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files only
        }
    }
}
