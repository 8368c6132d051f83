package org.calicostartup.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.testing.EtcdCluster;

/**
 * Cold start of the CLI: process start → node registered → exit, wall time (measured here, to the millisecond) and
 * max RSS (from GNU {@code /usr/bin/time -v}), against a local etcd (RTT 0) holding N nodes, for etcd v2 and v3, with the JVM
 * options variants to compare (plain, AppCDS archive, C1 only).
 *
 * <pre>java [-Dbaseline.jar=OLD.jar] -cp benchmarks/target/benchmarks.jar org.calicostartup.benchmarks.ColdStartMeasure cli/target/calico-startup.jar 1000 7 OUT.md [LAUNCHER]</pre>
 *
 * With {@code LAUNCHER} (the {@code bin/calico-startup} of an unpacked {@code bin/dist} tarball), its cold start is
 * measured in the same run: its own jlink runtime and AppCDS archive (recorded by its first run). With
 * {@code -Dbaseline.jar=OLD.jar} (an agent jar built from an earlier commit), that jar's {@code run} is measured in
 * the same run too, with its own archive. {@code show-config} is always measured beside {@code run}: the floor of
 * starting this JVM with this jar.
 */
public final class ColdStartMeasure {

    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    /** What {@code bin/calico-startup} passes to the JVM besides its archive (see the launcher). */
    static final List<String> LAUNCHER_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:MaxDirectMemorySize=512m");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** No claims cover: calico-startup reads every node, as the baseline does (the baseline ignores it). */
    private static final Map<String, String> NO_COVER =
            Map.of("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", Integer.toString(Integer.MAX_VALUE));
    /** The default {@code CALICO_STARTUP_CLAIMS_COVER_MIN_NODES}: from this many nodes calico-startup keeps a cover. */
    private static final int V3_COVER_MIN_NODES = 1000;

    private static final String LAUNCHER = "bin/calico-startup (AppCDS, C1 on one thread, SerialGC, no perf data)";
    private static final String SHOW_CONFIG = "show-config, same options";
    private static final String BASELINE = "baseline jar (its AppCDS, C1)";
    private static final String DIST = "bin/dist runtime (jlink, AppCDS, C1 on one thread, SerialGC)";

    private final Path jar;
    /** Issue 14's ratios of each block, written below the table. */
    private final StringBuilder ratios = new StringBuilder();
    private final int runs;
    private final Path work;
    private final java.util.Optional<Path> launcher;
    private final java.util.Optional<Path> baseline;
    private final StringBuilder md = new StringBuilder();
    private int next;

    private ColdStartMeasure(Path jar, int runs, Path work, java.util.Optional<Path> launcher,
            java.util.Optional<Path> baseline) {
        this.jar = jar;
        this.runs = runs;
        this.work = work;
        this.launcher = launcher;
        this.baseline = baseline;
    }

    public static void main(String[] args) throws Exception {
        int nodes = Integer.parseInt(args[1]);
        Path out = Path.of(args[3]);
        ColdStartMeasure measure = new ColdStartMeasure(Path.of(args[0]).toAbsolutePath(), Integer.parseInt(args[2]),
                Files.createTempDirectory("calico-startup-coldstart-"), args.length > 4
                        ? java.util.Optional.of(Path.of(args[4]).toAbsolutePath()) : java.util.Optional.empty(),
                java.util.Optional.ofNullable(System.getProperty("baseline.jar")).map(b -> Path.of(b)
                        .toAbsolutePath()));
        measure.md.append("# CLI cold start: process start → node registered → exit\n\n`calico-startup run`, first ")
                .append("registration of a new node beside ").append(nodes).append(" nodes, local etcd (RTT 0), ")
                .append("median of ").append(measure.runs)
                .append(" runs each, the variants taken in turn; wall time to the millisecond, max RSS from ")
                .append("`/usr/bin/time -v`.\n\n")
                .append("Rows `etcdv3` and `etcdv2`: every node is read, as the baseline does (no claims cover). ")
                .append("Rows `etcdv3, claims cover`: calico-startup as it runs by default from 1,000 nodes, in a ")
                .append("cluster whose nodes hold their IP claims, where the first registration created the cover: ")
                .append("the nodes changed since it are read instead of every node (the baseline still reads every ")
                .append("node).\n\n")
                .append("| datastore | JVM | wall time (median) | max RSS (median) |\n|---|---|---|---|\n");
        try (EtcdCluster etcd = EtcdCluster.builder().start()) {
            System.setProperty("etcd.endpoints", etcd.member(0).clientUri().toString());
            for (DatastoreType type : DatastoreType.values()) {
                try (BenchCluster cluster = new BenchCluster(type, nodes, 0)) {
                    measure.measure(type, cluster, false);
                }
            }
            if (nodes >= V3_COVER_MIN_NODES) {
                // What calico-startup does by default from 1,000 nodes on etcd v3: in a cluster whose nodes hold their
                // IP claims (one registered by calico-startup), the first registration creates the claims cover and
                // later ones read the nodes changed since it (~20 KB) instead of every node.
                try (BenchCluster cluster = new BenchCluster(DatastoreType.ETCDV3, nodes, 0, true, Map.of())) {
                    measure.measure(DatastoreType.ETCDV3, cluster, true);
                }
            }
        }
        measure.md.append("\nRatios of the medians (issue 14: `run` ≤ 1.5 × `show-config`, ≤ 0.5 × the baseline):\n\n")
                .append(measure.ratios);
        Files.writeString(out, measure.md.toString());
    }

    /**
     * Every variant on one datastore: archives recorded first, then {@code runs} measured runs of each. Without
     * {@code cover}, every variant does the same work as the baseline: it reads every node (on 1,000 nodes or more
     * calico-startup would otherwise create a claims cover during the runs, and later runs would read ~20 KB instead).
     * With it, calico-startup runs as it does by default, on a cluster where the cover stands.
     */
    private void measure(DatastoreType type, BenchCluster cluster, boolean cover) throws Exception {
        String label = type.envValue() + (cover ? ", claims cover" : "");
        Path archive = work.resolve("calico-startup-" + label.replace(", ", "-").replace(' ', '-') + ".jsa");
        // The archive is written by one run with -XX:ArchiveClassesAtExit (what bin/calico-startup does). With cover,
        // that run is the first registration in the cluster: it reads every node and claim and creates the cover.
        List<String> recording = new ArrayList<>();
        recording.add("-XX:ArchiveClassesAtExit=" + archive);
        run(java(recording, jar, "run"), cluster, type, cover);
        if (cover && !cluster.has("/calico/startup/v1/claims-cover")) {
            throw new IllegalStateException("no claims cover after the first registration in a cluster whose nodes "
                    + "hold their claims");
        }
        List<String> cds = new ArrayList<>();
        cds.add("-XX:SharedArchiveFile=" + archive);
        List<String> launcherOptions = new ArrayList<>(cds);
        launcherOptions.addAll(LAUNCHER_OPTIONS);
        Map<String, List<String>> commands = new LinkedHashMap<>();
        if (!cover) {
            commands.put("plain JVM", java(List.of(), jar, "run"));
            commands.put("AppCDS archive", java(cds, jar, "run"));
        }
        commands.put(LAUNCHER, java(launcherOptions, jar, "run"));
        // What `run` must stay close to: the same JVM and options starting and printing its configuration.
        commands.put(SHOW_CONFIG, java(launcherOptions, jar, "show-config"));
        if (baseline.isPresent()) {
            // An agent jar of an earlier commit, with the options its own bin/calico-startup passed (AppCDS, C1).
            Path baselineArchive = work.resolve("baseline-" + label.replace(", ", "-").replace(' ', '-') + ".jsa");
            run(java(List.of("-XX:ArchiveClassesAtExit=" + baselineArchive), baseline.get(), "run"), cluster, type,
                    cover);
            commands.put(BASELINE, java(List.of("-XX:SharedArchiveFile=" + baselineArchive,
                    "-XX:TieredStopAtLevel=1"), baseline.get(), "run"));
        }
        if (launcher.isPresent()) {
            // Its first run records its archive (as a node's first start would, for its datastore); the measured
            // runs map it.
            Path lib = launcher.get().getParent().resolveSibling("lib");
            Files.deleteIfExists(lib.resolve("calico-startup.jsa"));
            Files.deleteIfExists(lib.resolve("calico-startup.jsa.home"));
            run(List.of(launcher.get().toString(), "run"), cluster, type, cover);
            commands.put(DIST, List.of(launcher.get().toString(), "run"));
        }
        // Round robin: each round runs every variant once, so that a machine that slows down or speeds up during
        // the measurement (a shared host does) weighs on every variant alike, and the ratios stay fair.
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        commands.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, List<String>> variant : commands.entrySet()) {
                samples.get(variant.getKey()).add(run(variant.getValue(), cluster, type, cover));
            }
        }
        Map<String, Double> walls = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> variant : samples.entrySet()) {
            double wall = median(variant.getValue().stream().mapToDouble(s -> s[0]).toArray());
            double rss = median(variant.getValue().stream().mapToDouble(s -> s[1]).toArray());
            walls.put(variant.getKey(), wall);
            md.append(String.format("| %s | %s | %.3f s | %.0f MB |%n", label, variant.getKey(), wall, rss / 1024));
            System.out.printf("%s %s: %.3f s, %.0f MB%n", label, variant.getKey(), wall, rss / 1024);
        }
        // Issue 14's two ratios, of the medians above.
        for (String run : List.of(LAUNCHER, DIST)) {
            if (walls.containsKey(run)) {
                String ratio = String.format("- %s, %s: %.2f × `show-config`%s%n", label, run,
                        walls.get(run) / walls.get(SHOW_CONFIG), walls.containsKey(BASELINE)
                                ? String.format(", %.2f × the baseline", walls.get(run) / walls.get(BASELINE)) : "");
                ratios.append(ratio);
                System.out.print(ratio);
            }
        }
    }

    private static List<String> java(List<String> options, Path jar, String subcommand) {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(options);
        command.addAll(List.of("-jar", jar.toString(), subcommand));
        return command;
    }

    /** One process: returns {wall seconds, max RSS kB}. Without {@code cover}, calico-startup makes none. */
    private double[] run(List<String> calicoStartup, BenchCluster cluster, DatastoreType type, boolean cover)
            throws IOException, InterruptedException {
        int index = next++;
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        command.addAll(calicoStartup);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("time").toFile());
        builder.environment().putAll(cluster.directEnv(type, "cold-" + index));
        builder.environment().put("IP", BenchCluster.address(index));
        if (!cover) {
            builder.environment().putAll(NO_COVER);
        }
        // Wall time to the millisecond from here (GNU time prints hundredths, too coarse for ratios of ~0.2 s);
        // the time wrapper's own start and exit are in every variant alike.
        long start = System.nanoTime();
        int code = builder.start().waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        String time = Files.readString(work.resolve("time"));
        if (code != 0) {
            throw new IllegalStateException("calico-startup run exited " + code + ":\n"
                    + Files.readString(work.resolve("out")) + time);
        }
        Matcher rss = RSS.matcher(time);
        if (!rss.find()) {
            throw new IllegalStateException("no /usr/bin/time -v output:\n" + time);
        }
        return new double[] {seconds, Double.parseDouble(rss.group(1))};
    }

    private static double median(double[] values) {
        java.util.Arrays.sort(values);
        return values[values.length / 2];
    }
}
