package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowConfigCommandTest {

    @TempDir
    Path tmp;

    @Test
    void printsTheResolvedConfigurationAndAutodetectsOnThisHost() {
        Result result = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "IP_AUTODETECTION_METHOD", "can-reach=127.0.0.1", "IP", "autodetect", "AS", "1.10",
                "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.OK, result.code(), result.err());
        assertTrue(result.out().contains("Node name:           node-a (from NODENAME)"), result.out());
        assertTrue(result.out().contains("Datastore:           etcdv3 at http://127.0.0.1:2379"), result.out());
        assertTrue(result.out().contains("IPv4:                autodetect with can-reach=127.0.0.1: 127.0.0.1/8 on lo"),
                result.out());
        assertTrue(result.out().contains("AS number:           65546"), result.out());
    }

    @Test
    void badConfigurationExitsWithTheConfigurationCodeAndNamesTheVariable() {
        Result result = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379", "IP",
                "10.0.0.300", "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.CONFIGURATION, result.code());
        assertTrue(result.err().startsWith("ERROR: Invalid value for IP: \"10.0.0.300\""), result.err());
    }

    @Test
    void anInvalidNodeNameIsAConfigurationError() {
        Result result = run(Map.of("NODENAME", "../etc", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.CONFIGURATION, result.code());
        assertTrue(result.err().contains("Invalid node name \"../etc\" from NODENAME"), result.err());
    }

    private static Result run(Map<String, String> env, String... extra) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            String[] args = new String[extra.length + 1];
            args[0] = "show-config";
            System.arraycopy(extra, 0, args, 1, extra.length);
            int code = Main.execute(env, args);
            return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private record Result(int code, String out, String err) {
    }
}
