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

    /**
     * What a registration must not load: a native transport (the agent's channels use NIO; gRPC's Netty would
     * otherwise unpack its epoll library into the temporary directory and load it at every start), and Jackson's
     * {@code ObjectMapper} (Calico's JSON goes through {@code JsonTrees}; the mapper's first use cost ~25 ms of the
     * cold start). Seen in the JVM's own logs of native libraries and loaded classes.
     */
    @Test
    void aRegistrationLoadsNeitherANativeTransportNorAnObjectMapper() throws Exception {
        Path libraries = tmp.resolve("libraries.log");
        Path classes = tmp.resolve("classes.log");
        try (EtcdCluster etcd = EtcdCluster.single()) {
            CliFixture.Result result = CliFixture.process(java.util.List.of("-Xlog:library=info:file=" + libraries,
                    "-Xlog:class+load=info:file=" + classes), env(etcd, "node-t", "10.0.0.13/24"), tmp, "run");
            assertEquals(ExitCodes.OK, result.code(), result.out() + result.err());
        }
        String log = Files.readString(libraries);
        assertTrue(log.contains("libnio"), "the JVM's library log is there: " + log.length() + " chars");
        assertTrue(log.lines().noneMatch(line -> line.contains("netty")), () -> log.lines()
                .filter(line -> line.contains("netty")).findFirst().orElseThrow());
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("org.calicostartup.internal.JsonTrees "), "the class log is there");
        assertTrue(!loaded.contains("com.fasterxml.jackson.databind.ObjectMapper "), "ObjectMapper was loaded");
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

    /**
     * etcd v3 answers are buffered in direct memory: when the node list does not fit the JVM's limit, the operator
     * is told which setting to raise, in one line, without a stack trace, and nothing is written.
     */
    @Test
    void aNodeListLargerThanTheDirectMemoryLimitSaysWhichSettingToRaise() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.single()) {
            directMemoryLimit(etcd);
        }
    }

    private void directMemoryLimit(EtcdCluster etcd) throws Exception {
        String padding = "p".repeat(900);
        StringBuilder ops = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            String key = "/calico/resources/v3/projectcalico.org/nodes/direct-" + i;
            String value = "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"direct-"
                    + i + "\"},\"spec\":{\"bgp\":{\"ipv4Address\":\"10.77." + (i / 250) + "." + (i % 250 + 1)
                    + "/16\"}},\"padding\":\"" + padding + "\"}";
            ops.append(ops.length() == 0 || i % 100 == 0 ? "" : ",").append("{\"request_put\":{\"key\":\"")
                    .append(base64(key)).append("\",\"value\":\"").append(base64(value)).append("\"}}");
            if (i % 100 == 99) {
                java.net.http.HttpResponse<String> response = etcd.httpClient().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create(etcd.endpoints().split(",")[0] + "/v3/kv/txn"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"success\":[" + ops + "]}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                ops.setLength(0);
            }
        }
        CliFixture.Result result = CliFixture.process(java.util.List.of("-XX:MaxDirectMemorySize=1m"),
                env(etcd, "node-direct", "10.0.0.77/24"), tmp, "run");
        assertEquals(ExitCodes.OTHER, result.code(), result.out() + result.err());
        assertTrue(result.out().contains("-XX:MaxDirectMemorySize in CALICO_STARTUP_JAVA_OPTS"), result.out());
        assertTrue(!result.err().contains("\tat ") && !result.out().contains("\tat "), "no stack trace");
        assertTrue(Files.notExists(tmp.resolve("node-direct.nodename")));
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
