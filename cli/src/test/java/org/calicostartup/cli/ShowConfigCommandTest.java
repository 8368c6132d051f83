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
    void showsTheClaimsCoverSettings() {
        CliFixture.Result defaults = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "IP", "10.0.0.11", "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString()));
        assertEquals(ExitCodes.OK, defaults.code(), defaults.err());
        assertTrue(defaults.out().contains("Claims cover:        created from 1000 nodes, changed nodes read newest "
                + "first (2 round trips)\n"), defaults.out());
        CliFixture.Result watch = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "IP", "10.0.0.11", "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString(),
                "CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "2147483647", "CALICO_STARTUP_CHANGED_NODES", "watch"));
        assertEquals(ExitCodes.OK, watch.code(), watch.err());
        assertTrue(watch.out().contains("Claims cover:        never created (a stored one is still used), changed "
                + "nodes by a watch (3 round trips when addresses change)\n"), watch.out());
        CliFixture.Result typo = run(Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString(), "CALICO_STARTUP_CHANGED_NODES", "wach"));
        assertEquals(ExitCodes.CONFIGURATION, typo.code());
        assertTrue(typo.err().contains("ERROR: Invalid value for CALICO_STARTUP_CHANGED_NODES: \"wach\""),
                typo.err());
        assertEquals("", typo.out());
        CliFixture.Result v2 = run(Map.of("NODENAME", "node-a", "DATASTORE_TYPE", "etcdv2",
                "ETCD_ENDPOINTS", "http://127.0.0.1:2379", "IP", "10.0.0.11"));
        assertEquals(ExitCodes.OK, v2.code(), v2.err());
        assertTrue(!v2.out().contains("Claims cover"), "etcd v2 keeps no cover: " + v2.out());
    }

    /**
     * What the configured release does with the variables: the pool block size from v3.10 (pkg/startup/startup.go
     * @v3.10.0 of projectcalico/node), the nodename file from v3.4 (v3.1–v3.3 the default one, v3.0 startup.env).
     */
    @Test
    void showsWhatTheConfiguredReleaseReads() {
        Map<String, String> v39 = Map.of("NODENAME", "node-a", "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "IP", "10.0.0.11", "CALICO_NODENAME_FILE", tmp.resolve("nodename").toString(),
                "CALICO_IPV4POOL_BLOCK_SIZE", "24", "CALICO_STARTUP_CALICO_VERSION", "v3.9.0");
        String out = run(v39).out();
        assertTrue(out.contains(", block /26, "), out);
        assertTrue(out.contains("Nodename file:       " + tmp.resolve("nodename") + "\n"), out);
        java.util.Map<String, String> env = new java.util.HashMap<>(v39);
        env.put("CALICO_STARTUP_CALICO_VERSION", "v3.10.0");
        assertTrue(run(env).out().contains(", block /24, "), run(env).out());
        env.put("CALICO_STARTUP_CALICO_VERSION", "v3.3.0");
        assertTrue(run(env).out().contains("Nodename file:       /var/lib/calico/nodename\n"), run(env).out());
        env.put("CALICO_STARTUP_CALICO_VERSION", "v3.0.12");
        assertTrue(run(env).out().contains("Nodename file:       none (v3.0.12 writes startup.env)\n"),
                run(env).out());
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
