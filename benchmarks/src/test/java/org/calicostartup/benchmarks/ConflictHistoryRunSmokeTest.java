package org.calicostartup.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/benchmark history} runs the randomized conflict history from this module's class path, where the core
 * module's test classes come without their logging binding: CI runs it once, tiny, as its own process (it exits with
 * its verdict), so that it keeps running there. Its verdict at this size is checked too; the size that matters is
 * the benchmark's.
 */
class ConflictHistoryRunSmokeTest {

    @TempDir
    Path tmp;

    @Test
    void runsFromTheBenchmarkClassPathAndFindsNoViolation() throws Exception {
        Path out = tmp.resolve("out");
        // 2 agents × 2 startups, 1 claim-less writer × 2 writes, 6 addresses, seed 7.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.calicostartup.etcdv3.ConflictHistoryRun", "2", "2", "1", "2", "6", "7"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "still running after 120 s");
        String output = Files.readString(out);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains(", 0 violations,"), output);
    }
}
