package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowConfigCommandTest {

    @TempDir
    Path tmp;

    @Test
    void printsTheResolvedConfigurationAndAutodetectsOnThisHost() {
        CliFixture.Result result = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "IP_AUTODETECTION_METHOD", "can-reach=127.0.0.1", "IP", "autodetect", "AS", "1.10",
                "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.OK, result.code(), result.err());
        assertTrue(result.out().contains("Node name:           node-a (from NODENAME)"), result.out());
        assertTrue(result.out().contains("Datastore:           etcdv3 at http://127.0.0.1:2379"), result.out());
        assertTrue(result.out().contains("IPv4:                autodetect with can-reach=127.0.0.1: 127.0.0.1/8 on lo"),
                result.out());
        assertTrue(result.out().contains("AS number:           65546"), result.out());
        for (String line : result.out().split("\n")) {
            assertTrue(line.matches("[A-Za-z0-9 /]+: +.*"), "only the result on stdout, logs on stderr: " + line);
        }
        assertTrue(result.err().contains("[INFO]"), "the log lines: " + result.err());
    }

    @Test
    void badConfigurationExitsWithTheConfigurationCodeAndNamesTheVariable() {
        CliFixture.Result result = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379", "IP",
                "10.0.0.300", "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.CONFIGURATION, result.code());
        assertTrue(result.err().startsWith("ERROR: Invalid value for IP: \"10.0.0.300\""), result.err());
        assertEquals(1, result.err().split("Invalid value for IP", -1).length - 1, "printed once: " + result.err());
        assertEquals("", result.out());
    }

    @Test
    void anInvalidNodeNameIsAConfigurationError() {
        CliFixture.Result result = run(Map.of("NODENAME", "../etc", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.CONFIGURATION, result.code());
        assertTrue(result.err().contains("Invalid node name \"../etc\" from NODENAME"), result.err());
    }

    private static CliFixture.Result run(Map<String, String> env) {
        return CliFixture.inProcess(env, "show-config");
    }
}
