package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code calico-startup run} as a real process against real etcd: exit codes, stdout wording, written data. */
class RunCommandProcessTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    /** calico-node's line format: {@code 2018-03-01 07:27:20.123 [INFO][<pid>] <source> <line>: <msg>}. */
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[(INFO|WARNING|ERROR|DEBUG)]\\[\\d+] \\w+ \\d+: .*");

    @TempDir
    Path tmp;

    private Map<String, String> env(EtcdCluster etcd, String name, String ip, String... extra) {
        Map<String, String> env = new HashMap<>(etcd.environment());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("NODENAME", name);
        env.put("IP", ip);
        env.put("FELIX_IPV6SUPPORT", "false");
        env.put("CALICO_NODENAME_FILE", tmp.resolve(name + ".nodename").toString());
        // Said explicitly: this etcd also holds the etcd v2 test's Calico 2.6 data, and without DATASTORE_TYPE a
        // first v3 registration beside it is refused (ReleaseTableV2Test).
        env.put("DATASTORE_TYPE", "etcdv3");
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    @Test
    void registersAndSaysWhatItDidAtInfo(EtcdCluster etcd) throws Exception {
        CliFixture.Result result = CliFixture.process(env(etcd, "node-p", "10.0.0.11/24"), tmp, "run");
        assertEquals(ExitCodes.OK, result.code(), result.out() + result.err());
        for (String line : result.out().split("\n")) {
            assertTrue(LINE.matcher(line).matches(), "calico-node's line format: " + line);
        }
        assertTrue(result.out().contains("Starting node node-p on etcdv3 at " + etcd.endpoints()), result.out());
        assertTrue(result.out().contains("Read node node-p, 0 IP pool(s), cluster information and Felix configuration "
                + "and all 0 nodes in one round trip"), result.out());
        assertTrue(result.out().contains("Created node node-p with IPv4=10.0.0.11/24"), result.out());
        assertTrue(result.out().contains("Startup complete: node node-p created"), result.out());
        assertTrue(result.out().contains("2 round trips"), result.out());
        assertTrue(result.out().contains("Using node name: node-p"), result.out());
        assertEquals("node-p", Files.readString(tmp.resolve("node-p.nodename")));
    }

    @Test
    void aConflictExitsFiveWithCalicosWordsAndWritesNothing(EtcdCluster etcd) throws Exception {
        assertEquals(ExitCodes.OK, CliFixture.process(env(etcd, "node-q", "10.0.0.42/24"), tmp, "run").code());
        CliFixture.Result result = CliFixture.process(env(etcd, "node-r", "10.0.0.42/24"), tmp, "run");
        assertEquals(ExitCodes.IP_CONFLICT, result.code(), result.out());
        assertTrue(result.out().contains("[WARNING]") && result.out().contains(
                "Calico node 'node-q' is already using the IPv4 address 10.0.0.42."), result.out());
        assertTrue(result.out().contains("Terminating"), result.out());
        assertTrue(Files.notExists(tmp.resolve("node-r.nodename")));
    }

    @Test
    void anUnreachableDatastoreExitsThreeNamingIt(EtcdCluster etcd) throws Exception {
        int port = CliFixture.freePort();
        CliFixture.Result result = CliFixture.process(env(etcd, "node-s", "10.0.0.43/24", "ETCD_ENDPOINTS",
                "http://127.0.0.1:" + port), tmp, "run");
        assertEquals(ExitCodes.DATASTORE_UNAVAILABLE, result.code(), result.out());
        assertTrue(result.out().contains("http://127.0.0.1:" + port), result.out());
    }

    @Test
    void badConfigurationExitsTwoBeforeAnyIo(EtcdCluster etcd) throws Exception {
        CliFixture.Result result = CliFixture.process(env(etcd, "node-t", "10.0.0.300"), tmp, "run");
        assertEquals(ExitCodes.CONFIGURATION, result.code(), result.out());
        assertTrue(result.err().contains("Invalid value for IP: \"10.0.0.300\""), result.err());
    }

    @Test
    void theEtcdV2DatastoreToo(EtcdCluster etcd) throws Exception {
        CliFixture.Result result = CliFixture.process(env(etcd, "node-v2", "10.0.0.50/24", "DATASTORE_TYPE",
                "etcdv2", "CALICO_STARTUP_ENV_FILE", tmp.resolve("startup.env").toString()), tmp, "run");
        assertEquals(ExitCodes.OK, result.code(), result.out());
        assertEquals("export NODENAME=node-v2\n", Files.readString(tmp.resolve("startup.env")));
    }
}
