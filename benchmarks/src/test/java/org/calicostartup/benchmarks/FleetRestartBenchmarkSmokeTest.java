package org.calicostartup.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * CI checks only that the fleet benchmark runs and reports its counters — never its timings. Three agents with
 * rotated addresses on a five-node cluster, one single-shot iteration, in this JVM.
 */
class FleetRestartBenchmarkSmokeTest {

    @TempDir
    Path tmp;

    @Test
    void restartsTheFleetAndCountsRequestsBytesAndFailures() throws Exception {
        JsonNode counters = fleetRestart("changed");
        assertEquals(0.0, counters.path("failedAgents").path("score").asDouble());
        // Each agent: its first read — five read-only transactions sent together (V3FirstRead.CoverAware: the
        // base reads; with and without a cover for each way its IPv4 claim may differ) — and its write.
        assertEquals(18.0, counters.path("requests").path("score").asDouble());
        double read = counters.path("bytesRead").path("score").asDouble();
        double sent = counters.path("bytesFromEtcd").path("score").asDouble();
        // The agents count keys and values; the proxy also sees gRPC and HTTP/2 framing.
        assertTrue(read > 5 * 3 * 500, "bytes read: " + read);
        assertTrue(sent > read, "bytes etcd sent " + sent + " vs bytes read " + read);
    }

    /** Three agents come back with one address: one registers it, two fail and are counted, not fatal. */
    @Test
    void countsTheAgentsThatFail() throws Exception {
        JsonNode counters = fleetRestart("clash");
        assertEquals(2.0, counters.path("failedAgents").path("score").asDouble());
        assertTrue(counters.path("requests").path("score").asDouble() >= 6.0, counters.toString());
    }

    /** One single-shot fleet restart of three fastV3 agents on five nodes, no cover; its counters. */
    private JsonNode fleetRestart(String addresses) throws Exception {
        Path json = tmp.resolve(addresses + ".json");
        new Runner(new OptionsBuilder().include(FleetRestartBenchmark.class.getSimpleName())
                .param("mode", "fastV3").param("agents", "3").param("clusterSize", "5").param("rttMillis", "0")
                .param("addresses", addresses).param("cover", "off")
                .warmupIterations(0).measurementIterations(1).forks(0)
                .resultFormat(ResultFormatType.JSON).result(json.toString()).build()).run();
        JsonNode results = new ObjectMapper().readTree(Files.readString(json));
        assertEquals(1, results.size());
        return results.get(0).path("secondaryMetrics");
    }
}
