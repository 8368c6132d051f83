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
 * Cold start of the CLI: process start → node registered → exit, wall time and max RSS from GNU
 * {@code /usr/bin/time -v}, against a local etcd (RTT 0) holding N nodes, for etcd v2 and v3, with the JVM
 * options variants to compare (plain, AppCDS archive, C1 only).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.calicostartup.benchmarks.ColdStartMeasure cli/target/calico-startup.jar 1000 7 OUT.md [LAUNCHER]</pre>
 *
 * With {@code LAUNCHER} (the {@code bin/calico-startup} of an unpacked {@code bin/dist} tarball), its cold start is
 * measured in the same run: its own jlink runtime and AppCDS archive (recorded by its first run). With
 * {@code -Dbaseline.jar=OLD.jar} (an agent jar built from an earlier commit), that jar's {@code run} is measured in
 * the same run too, with its own archive. {@code show-config} is always measured beside {@code run}: the floor of
 * starting this JVM with this jar.
 */
public final class ColdStartMeasure {

    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (?:(\\d+):)?(\\d+):([\\d.]+)");
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    private ColdStartMeasure() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        int nodes = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        java.util.Optional<Path> launcher = args.length > 4 ? java.util.Optional.of(Path.of(args[4]).toAbsolutePath())
                : java.util.Optional.empty();
        java.util.Optional<Path> baseline = java.util.Optional.ofNullable(System.getProperty("baseline.jar"))
                .map(b -> Path.of(b).toAbsolutePath());
        Path work = Files.createTempDirectory("calico-startup-coldstart-");
        Path archive = work.resolve("calico-startup.jsa");
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("plain JVM", List.of());
        variants.put("AppCDS archive", List.of("-XX:SharedArchiveFile=" + archive));
        variants.put("AppCDS + C1 only", List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"));
        StringBuilder md = new StringBuilder("# CLI cold start: process start → node registered → exit\n\n");
        md.append("`calico-startup run`, first registration of a new node beside ").append(nodes)
                .append(" nodes, local etcd (RTT 0), median of ").append(runs)
                .append(" runs each; `/usr/bin/time -v`.\n\n| datastore | JVM | wall time (median) | max RSS (median) |\n")
                .append("|---|---|---|---|\n");
        try (EtcdCluster etcd = EtcdCluster.builder().start()) {
            System.setProperty("etcd.endpoints", etcd.member(0).clientUri().toString());
            int next = 0;
            for (DatastoreType type : DatastoreType.values()) {
                try (BenchCluster cluster = new BenchCluster(type, nodes, 0)) {
                    // The archive is written by one run with -XX:ArchiveClassesAtExit (what bin/calico-startup does).
                    run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-XX:ArchiveClassesAtExit=" + archive, "-jar", jar.toString(), "run"), cluster, type,
                            next++, work);
                    Map<String, List<String>> commands = commands(variants, jar, "run");
                    // What `run` must stay close to: the same JVM starting and printing its configuration.
                    commands.put("show-config (AppCDS + C1 only)", commands(Map.of("", variants.get(
                            "AppCDS + C1 only")), jar, "show-config").get(""));
                    if (baseline.isPresent()) {
                        Path baselineArchive = work.resolve("baseline-" + type.envValue() + ".jsa");
                        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
                        run(List.of(java, "-XX:ArchiveClassesAtExit=" + baselineArchive, "-jar",
                                baseline.get().toString(), "run"), cluster, type, next++, work);
                        commands.put("baseline jar (AppCDS + C1 only)", List.of(java, "-XX:SharedArchiveFile="
                                + baselineArchive, "-XX:TieredStopAtLevel=1", "-jar", baseline.get().toString(),
                                "run"));
                    }
                    if (launcher.isPresent()) {
                        // Its first run records its archive (as a node's first start would, for its datastore); the
                        // measured runs map it.
                        Path lib = launcher.get().getParent().resolveSibling("lib");
                        Files.deleteIfExists(lib.resolve("calico-startup.jsa"));
                        Files.deleteIfExists(lib.resolve("calico-startup.jsa.home"));
                        run(List.of(launcher.get().toString(), "run"), cluster, type, next++, work);
                        commands.put("bin/dist runtime (jlink, AppCDS, C1, SerialGC)",
                                List.of(launcher.get().toString(), "run"));
                    }
                    for (Map.Entry<String, List<String>> variant : commands.entrySet()) {
                        List<double[]> samples = new ArrayList<>();
                        for (int i = 0; i < runs; i++) {
                            samples.add(run(variant.getValue(), cluster, type, next++, work));
                        }
                        double wall = median(samples.stream().mapToDouble(s -> s[0]).toArray());
                        double rss = median(samples.stream().mapToDouble(s -> s[1]).toArray());
                        md.append(String.format("| %s | %s | %.2f s | %.0f MB |%n", type.envValue(), variant.getKey(),
                                wall, rss / 1024));
                        System.out.printf("%s %s: %.2f s, %.0f MB%n", type.envValue(), variant.getKey(), wall,
                                rss / 1024);
                    }
                }
            }
        }
        Files.writeString(out, md.toString());
    }

    /** The command line of each JVM options variant: this JVM's {@code java}, the options, the agent jar's run. */
    private static Map<String, List<String>> commands(Map<String, List<String>> variants, Path jar,
            String subcommand) {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(variant.getValue());
            command.addAll(List.of("-jar", jar.toString(), subcommand));
            commands.put(variant.getKey(), command);
        }
        return commands;
    }

    /** One process: returns {wall seconds, max RSS kB}. */
    private static double[] run(List<String> calicoStartup, BenchCluster cluster, DatastoreType type, int index,
            Path work) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v"));
        command.addAll(calicoStartup);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("time").toFile());
        builder.environment().putAll(cluster.directEnv(type, "cold-" + index));
        builder.environment().put("IP", BenchCluster.address(index));
        int code = builder.start().waitFor();
        String time = Files.readString(work.resolve("time"));
        if (code != 0) {
            throw new IllegalStateException("calico-startup run exited " + code + ":\n"
                    + Files.readString(work.resolve("out")) + time);
        }
        Matcher wall = WALL.matcher(time);
        Matcher rss = RSS.matcher(time);
        if (!wall.find() || !rss.find()) {
            throw new IllegalStateException("no /usr/bin/time -v output:\n" + time);
        }
        double seconds = (wall.group(1) == null ? 0 : Integer.parseInt(wall.group(1)) * 3600)
                + Integer.parseInt(wall.group(2)) * 60 + Double.parseDouble(wall.group(3));
        return new double[] {seconds, Double.parseDouble(rss.group(1))};
    }

    private static double median(double[] values) {
        java.util.Arrays.sort(values);
        return values[values.length / 2];
    }
}
