package org.calicostartup.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * CI checks only that the benchmark runs and produces JMH JSON with its round-trip counts — never its timings.
 * Tiny parameters, one single-shot iteration, in this JVM.
 */
class StartupBenchmarkSmokeTest {

    @TempDir
    Path tmp;

    @Test
    void runsEveryModeAndWritesJsonWithRoundTrips() throws Exception {
        Path json = tmp.resolve("smoke.json");
        new Runner(new OptionsBuilder().include(StartupBenchmark.class.getSimpleName())
                .param("clusterSize", "3").param("rttMillis", "0").param("budgetSeconds", "60")
                .warmupIterations(0).measurementIterations(1).forks(0)
                .resultFormat(ResultFormatType.JSON).result(json.toString()).build()).run();
        JsonNode results = new ObjectMapper().readTree(Files.readString(json));
        Map<String, Double> roundTrips = new HashMap<>();
        for (JsonNode result : results) {
            roundTrips.put(result.path("params").path("mode").asText(),
                    result.path("secondaryMetrics").path("roundTrips").path("score").asDouble());
        }
        assertEquals(Map.of("calico26", 27.0 + 6 * 3, "fastV2", 3.0, "calico3", 10.0, "fastV3", 2.0), roundTrips);
        ResultsReport.main(new String[] {json.toString(), tmp.resolve("report").toString(), "smoke"});
        assertEquals(true, Files.size(tmp.resolve("report/startup.png")) > 1000);
    }
}
