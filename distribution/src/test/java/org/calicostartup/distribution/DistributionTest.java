package org.calicostartup.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.EtcdExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable forms of the agent, run as a user would: the self-contained tarball on a PATH and JAVA_HOME that hold
 * no Java, and the OCI image under runc (Debian's package; no Docker daemon), both registering a node in a real etcd.
 * Builds them with bin/dist --image from the agent jar the reactor just packaged.
 */
class DistributionTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static Path tarball;
    private static String version;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void build() throws Exception {
        Result built = exec(REPO, Map.of("CALICO_STARTUP_NO_BUILD", "1"), 600, "bin/dist", "--image");
        assertEquals(0, built.code(), "bin/dist --image:\n" + built.output());
        try (Stream<Path> files = Files.list(REPO.resolve("dist"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("calico-startup-.*-linux-.*\\.tar\\.gz"))
                    .findFirst().orElseThrow();
        }
        version = tarball.getFileName().toString().replaceAll("calico-startup-(.*)-linux-.*", "$1");
    }

    @Test
    void theTarballRunsWithoutAnyJavaOnTheHost() throws Exception {
        Result unpacked = exec(tmp, Map.of(), 60, "tar", "-xzf", tarball.toString());
        assertEquals(0, unpacked.code(), unpacked.output());
        Path launcher;
        try (Stream<Path> dirs = Files.list(tmp)) {
            launcher = dirs.filter(d -> d.getFileName().toString().startsWith("calico-startup-")).findFirst()
                    .orElseThrow().resolve("bin/calico-startup");
        }
        // The archive is recorded by a `run` only, so that it holds what `run` loads.
        Result config = execEnvOnly(tmp, Map.of("PATH", "/nonexistent", "ETCD_ENDPOINTS",
                ETCD.cluster().endpoints(), "NODENAME", "tarball-0", "IP", "10.0.9.9/24"), 120, launcher.toString(),
                "show-config");
        assertEquals(0, config.code(), config.output());
        assertTrue(Files.notExists(launcher.getParent().resolve("../lib/calico-startup.jsa")), "not recorded by "
                + "show-config");
        for (int i = 1; i <= 2; i++) {
            // Neither PATH nor JAVA_HOME holds a Java; the second run uses the class-data archive the first recorded.
            Map<String, String> env = Map.of("PATH", "/nonexistent", "JAVA_HOME", "/nonexistent",
                    "ETCD_ENDPOINTS", ETCD.cluster().endpoints(), "NODENAME", "tarball-" + i, "IP", "10.0.9." + i + "/24",
                    "FELIX_IPV6SUPPORT", "false", "CALICO_NODENAME_FILE", tmp.resolve("nodename-" + i).toString(),
                    "DATASTORE_TYPE", "etcdv3");
            Result run = execEnvOnly(tmp, env, 120, launcher.toString(), "run");
            assertEquals(0, run.code(), run.output());
            assertTrue(nodeExists("tarball-" + i), "registered: " + run.output());
        }
        assertTrue(Files.exists(launcher.getParent().resolve("../lib/calico-startup.jsa")), "archive recorded");
    }

    @Test
    void theImageRegistersANodeFromInsideAContainerUnderRunc() throws Exception {
        Path bundle = tmp.resolve("bundle");
        Result unpacked = exec(REPO, Map.of(), 120, "umoci", "unpack", "--image", "dist/oci:" + version,
                bundle.toString());
        assertEquals(0, unpacked.code(), unpacked.output());
        ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        args.add("/opt/calico-startup/bin/calico-startup").add("run");
        ArrayNode env = process.putArray("env");
        env.add("PATH=/usr/sbin:/usr/bin").add("DATASTORE_TYPE=etcdv3")
                .add("ETCD_ENDPOINTS=" + ETCD.cluster().endpoints()).add("NODENAME=in-a-container")
                .add("IP=autodetect").add("IP_AUTODETECTION_METHOD=can-reach=127.0.0.1")
                .add("FELIX_IPV6SUPPORT=false").add("CALICO_NODENAME_FILE=/tmp/nodename");
        // The host's network (the harness etcd listens on 127.0.0.1); every other namespace is the container's own.
        ArrayNode namespaces = JSON.createArrayNode();
        config.path("linux").path("namespaces").forEach(ns -> {
            if (!ns.path("type").asText().equals("network")) {
                namespaces.add(ns);
            }
        });
        ((ObjectNode) config.get("linux")).set("namespaces", namespaces);
        ((ObjectNode) config.get("root")).put("readonly", false);
        Files.writeString(bundle.resolve("config.json"), JSON.writeValueAsString(config));

        String id = "calico-startup-test-" + UUID.randomUUID().toString().substring(0, 8);
        Result run = exec(bundle, Map.of(), 180, "runc", "run", "--bundle", bundle.toString(), id);
        exec(bundle, Map.of(), 30, "runc", "delete", "--force", id);
        assertEquals(0, run.code(), "runc run:\n" + run.output());
        assertTrue(run.output().contains("Startup complete: node in-a-container created"), run.output());
        assertTrue(nodeExists("in-a-container"));
    }

    private static boolean nodeExists(String name) throws Exception {
        String key = "/calico/resources/v3/projectcalico.org/nodes/" + name;
        String body = "{\"key\":\"" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)) + "\"}";
        EtcdCluster etcd = ETCD.cluster();
        HttpResponse<String> response = etcd.httpClient().send(HttpRequest.newBuilder(URI.create(
                etcd.member(0).clientUri() + "/v3/kv/range")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        return answer.path("count").asLong(0) == 1;
    }

    record Result(int code, String output) {
    }

    private static Result exec(Path dir, Map<String, String> extraEnv, int seconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(extraEnv);
        return finish(builder, seconds, command);
    }

    /** With exactly {@code env}: nothing of this JVM's environment (its PATH holds a Java). */
    private static Result execEnvOnly(Path dir, Map<String, String> env, int seconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        return finish(builder, seconds, command);
    }

    private static Result finish(ProcessBuilder builder, int seconds, String... command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("calico-startup-dist-", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " timed out after " + seconds + " s:\n"
                    + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        return new Result(process.exitValue(), output);
    }
}
