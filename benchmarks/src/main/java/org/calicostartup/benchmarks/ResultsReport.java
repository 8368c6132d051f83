package org.calicostartup.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns a JMH JSON result of {@link StartupBenchmark} (and {@link FleetRestartBenchmark}) into
 * {@code startup.png} (startup time against cluster size, log scales, one line per mode and RTT) and
 * {@code results.md} (the tables, with round trips next to every time and the combinations that were skipped).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.calicostartup.benchmarks.ResultsReport RESULT.json OUT_DIR "machine"</pre>
 */
public final class ResultsReport {

    private static final List<String> MODES = List.of("calico26", "fastV2", "calico3", "fastV3");
    /** One colour per mode; the RTT is the line style (dashed 0 ms, dotted under 100 ms, solid above). */
    private static final Map<String, java.awt.Color> COLORS = Map.of("calico26", new java.awt.Color(0xC0392B),
            "fastV2", new java.awt.Color(0x27AE60), "calico3", new java.awt.Color(0xE67E22),
            "fastV3", new java.awt.Color(0x2E86C1));

    private ResultsReport() {
    }

    record Point(String mode, int clusterSize, int rttMillis, double millis, double roundTrips, double requests,
            double bytesRead) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ResultsReport RESULT.json OUT_DIR [machine description]");
            System.exit(2);
        }
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        String machine = args.length > 2 ? args[2] : "";
        List<Point> points = new ArrayList<>();
        List<JsonNode> fleet = new ArrayList<>();
        int budget = 0;
        for (JsonNode result : results) {
            String benchmark = result.path("benchmark").asText();
            JsonNode params = result.path("params");
            if (benchmark.endsWith("FleetRestartBenchmark.restartAll")) {
                fleet.add(result);
                continue;
            }
            if (!benchmark.endsWith("StartupBenchmark.startup")) {
                continue;
            }
            budget = params.path("budgetSeconds").asInt();
            JsonNode secondary = result.path("secondaryMetrics");
            points.add(new Point(params.path("mode").asText(), params.path("clusterSize").asInt(),
                    params.path("rttMillis").asInt(), result.path("primaryMetric").path("score").asDouble(),
                    perOperation(secondary.path("roundTrips")), perOperation(secondary.path("requests")),
                    perOperation(secondary.path("bytesRead"))));
        }
        fleet.sort(java.util.Comparator.comparingInt((JsonNode r) -> r.path("params").path("agents").asInt())
                .thenComparingInt(r -> MODES.indexOf(r.path("params").path("mode").asText())));
        chart(points, out.resolve("startup.png"), machine);
        Files.writeString(out.resolve("results.md"), markdown(points, fleet, budget, machine));
        System.out.println("wrote " + out.resolve("startup.png") + " and " + out.resolve("results.md"));
    }

    /**
     * JMH sums an EVENTS counter over the measurement iterations; with one single-shot operation per iteration the
     * per-operation value is the mean of the per-iteration raw data.
     */
    static double perOperation(JsonNode metric) {
        double sum = 0;
        int count = 0;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode value : fork) {
                sum += value.asDouble();
                count++;
            }
        }
        return count == 0 ? metric.path("score").asDouble() : sum / count;
    }

    /** The budget of calico-node 2.6's default liveness probe (10 s delay, 6 × 10 s, 1 s timeout), in seconds. */
    static final double PROBE_BUDGET_SECONDS = 61;

    /**
     * One panel per round-trip time, side by side: startup time in seconds against cluster size, both logarithmic;
     * the default probe's budget as a line; cells predicted (not run) drawn hollow on a dashed line.
     */
    private static void chart(List<Point> points, Path png, String machine) throws IOException {
        List<Integer> rtts = new ArrayList<>(new TreeSet<>(points.stream().map(Point::rttMillis).toList()));
        List<Integer> sizes = new ArrayList<>(new TreeSet<>(points.stream().map(Point::clusterSize).toList()));
        List<java.awt.image.BufferedImage> panels = new ArrayList<>();
        for (int rtt : rtts) {
            panels.add(BitmapEncoder.getBufferedImage(panel(points, sizes, rtt, rtt == rtts.get(rtts.size() - 1))));
        }
        sideBySide(panels, png, "Node startup time vs cluster size, one panel per round-trip time"
                + (machine.isEmpty() ? "" : "  [" + machine + "]"));
    }

    /** The panel of one round-trip time: measured cells, predicted ones, the probe's budget. */
    private static XYChart panel(List<Point> points, List<Integer> sizes, int rtt, boolean legend) {
        XYChart chart = new XYChartBuilder().width(560).height(520)
                .title("RTT " + rtt + " ms").xAxisTitle("existing nodes (0 drawn at 1)")
                .yAxisTitle("startup time after connect, s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.001);
        chart.getStyler().setYAxisMax(10_000.0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setLegendVisible(legend);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        double[] budgetX = {1, Math.max(10, sizes.get(sizes.size() - 1))};
        XYSeries budget = chart.addSeries("calico-node 2.6 probe budget (≈61 s)", budgetX,
                new double[] {PROBE_BUDGET_SECONDS, PROBE_BUDGET_SECONDS});
        budget.setMarker(SeriesMarkers.NONE);
        budget.setLineColor(java.awt.Color.GRAY);
        budget.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DOT);
        for (String mode : MODES) {
            List<Point> measured = points.stream().filter(p -> p.mode().equals(mode) && p.rttMillis() == rtt)
                    .sorted(java.util.Comparator.comparingInt(Point::clusterSize)).toList();
            if (measured.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(mode, measured.stream().mapToDouble(p -> Math.max(1, p.clusterSize()))
                    .toArray(), measured.stream().mapToDouble(p -> Math.max(0.001, p.millis() / 1000)).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(COLORS.get(mode));
            s.setMarkerColor(COLORS.get(mode));
            List<double[]> predicted = new ArrayList<>();
            Point last = measured.get(measured.size() - 1);
            for (int size : sizes) {
                if (size > last.clusterSize()) {
                    predicted.add(new double[] {size, BenchCluster.predictedRoundTrips(mode, size)
                            * (double) Math.max(rtt, 2) / 1000});
                }
            }
            if (!predicted.isEmpty()) {
                predicted.add(0, new double[] {Math.max(1, last.clusterSize()), last.millis() / 1000});
                XYSeries p = chart.addSeries(mode + " predicted, not run",
                        predicted.stream().mapToDouble(x -> x[0]).toArray(),
                        predicted.stream().mapToDouble(x -> x[1]).toArray());
                p.setMarker(SeriesMarkers.DIAMOND);
                p.setLineColor(COLORS.get(mode));
                p.setMarkerColor(COLORS.get(mode).brighter());
                p.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            }
        }
        return chart;
    }

    /** Draws the panels side by side under a title line and writes them as one PNG. */
    private static void sideBySide(List<java.awt.image.BufferedImage> panels, Path png, String title)
            throws IOException {
        int width = panels.stream().mapToInt(java.awt.image.BufferedImage::getWidth).sum();
        int height = panels.stream().mapToInt(java.awt.image.BufferedImage::getHeight).max().orElse(1) + 30;
        java.awt.image.BufferedImage all = new java.awt.image.BufferedImage(Math.max(1, width), height,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = all.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        g.setColor(java.awt.Color.BLACK);
        g.drawString(title, 10, 20);
        int x = 0;
        for (java.awt.image.BufferedImage panel : panels) {
            g.drawImage(panel, x, 30, null);
            x += panel.getWidth();
        }
        g.dispose();
        javax.imageio.ImageIO.write(all, "png", png.toFile());
    }

    private static String markdown(List<Point> points, List<JsonNode> fleet, int budget, String machine) {
        StringBuilder md = new StringBuilder();
        md.append("# StartupBenchmark results\n\n");
        if (!machine.isEmpty()) {
            md.append(machine).append("\n\n");
        }
        md.append("One node startup per operation (first registration, after the connection is up), JMH single-shot; ")
                .append("each cell is `time (round trips)`; `–` was not part of this run; *skipped* cells were predicted (round trips × RTT) to ")
                .append("exceed the budget of ").append(budget).append(" s per startup and were not run — the ")
                .append("prediction is shown, it is not a measurement.\n\n");
        TreeSet<Integer> sizes = new TreeSet<>(points.stream().map(Point::clusterSize).toList());
        TreeSet<Integer> rtts = new TreeSet<>(points.stream().map(Point::rttMillis).toList());
        sizes.addAll(List.of(0, 53, 500, 5000, 10000, 20000));
        md.append("| mode | RTT |");
        sizes.forEach(s -> md.append(' ').append(s).append(" nodes |"));
        md.append("\n|---|---|");
        sizes.forEach(s -> md.append("---|"));
        md.append('\n');
        for (int rtt : rtts) {
            for (String mode : MODES) {
                md.append("| ").append(mode).append(" | ").append(rtt).append(" ms |");
                for (int size : sizes) {
                    Point p = points.stream().filter(x -> x.mode().equals(mode) && x.rttMillis() == rtt
                            && x.clusterSize() == size).findFirst().orElse(null);
                    if (p != null) {
                        md.append(' ').append(time(p.millis())).append(" (").append((long) p.roundTrips())
                                .append(") |");
                    } else {
                        double predicted = BenchCluster.predictedRoundTrips(mode, size) * (double) Math.max(rtt, 2);
                        md.append(predicted > budget * 1000.0 ? " *skipped: predicted " + time(predicted) + "* |"
                                : " – |");
                    }
                }
                md.append('\n');
            }
        }
        md.append("\nRequests and bytes read per startup:\n\n| mode | RTT | nodes | requests | bytes read |\n|---|---|---|---|---|\n");
        for (Point p : points) {
            md.append("| ").append(p.mode()).append(" | ").append(p.rttMillis()).append(" ms | ").append(p.clusterSize())
                    .append(" | ").append((long) p.requests()).append(" | ").append((long) p.bytesRead()).append(" |\n");
        }
        if (!fleet.isEmpty()) {
            md.append("\n## FleetRestartBenchmark\n\nAll agents restart at once (same addresses), each on its own ")
                    .append("connection; totals over the fleet.\n\n| mode | agents | nodes | RTT | fleet time | p50 | p99 | ")
                    .append("requests | bytes read | failed agents |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (JsonNode r : fleet) {
                JsonNode p = r.path("params");
                JsonNode s = r.path("secondaryMetrics");
                md.append("| ").append(p.path("mode").asText()).append(" | ").append(p.path("agents").asText())
                        .append(" | ").append(p.path("clusterSize").asText()).append(" | ")
                        .append(p.path("rttMillis").asText()).append(" ms | ")
                        .append(time(r.path("primaryMetric").path("score").asDouble())).append(" | ")
                        .append(time(perOperation(s.path("p50Millis")))).append(" | ")
                        .append(time(perOperation(s.path("p99Millis")))).append(" | ")
                        .append((long) perOperation(s.path("requests"))).append(" | ")
                        .append((long) perOperation(s.path("bytesRead"))).append(" | ")
                        .append((long) perOperation(s.path("failedAgents"))).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String time(double millis) {
        return millis >= 10_000 ? String.format("%.1f s", millis / 1000) : millis >= 1000
                ? String.format("%.2f s", millis / 1000) : String.format("%.0f ms", millis);
    }
}
