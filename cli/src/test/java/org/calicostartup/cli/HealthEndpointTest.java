package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.EtcdExtension;
import org.calicostartup.testing.LatencyProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health endpoint during a startup held slow by the latency proxy: live while answers keep coming, not live
 * once the datastore stalls, ready only after registration. Only state changes are asserted, never durations.
 */
class HealthEndpointTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    Path tmp;

    @Test
    void livenessFollowsProgressAndReadinessFollowsRegistration(EtcdCluster etcd) throws Exception {
        int port = CliFixture.freePort();
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ofMillis(100))) {
            Map<String, String> env = new HashMap<>();
            env.put("DATASTORE_TYPE", "etcdv2");
            env.put("ETCD_ENDPOINTS", proxy.uri("http").toString());
            env.put("NODENAME", "node-h");
            env.put("IP", "10.0.0.77/24");
            env.put("FELIX_IPV6SUPPORT", "false");
            env.put("CALICO_STARTUP_ENV_FILE", tmp.resolve("startup.env").toString());
            env.put("CALICO_STARTUP_TIMEOUT", "120s");
            env.put("CALICO_STARTUP_REQUEST_TIMEOUT", "60s");
            CompletableFuture<CliFixture.Result> run = CompletableFuture.supplyAsync(() -> CliFixture.inProcess(env,
                    "run", "--mode", "calico-reference", "--health-port", Integer.toString(port),
                    "--stall-threshold", "2", "--health-linger", "3"));
            URI liveness = URI.create("http://127.0.0.1:" + port + "/liveness");
            URI readiness = URI.create("http://127.0.0.1:" + port + "/readiness");

            awaitStatus(liveness, 204);
            assertEquals(503, status(readiness), "not ready before the node is registered");

            proxy.stall();
            awaitStatus(liveness, 503);
            assertEquals(503, status(readiness));

            proxy.resume();
            awaitStatus(liveness, 204);
            awaitStatus(readiness, 204);
            assertEquals(204, status(liveness));
            CliFixture.Result result = run.get(60, TimeUnit.SECONDS);
            assertEquals(ExitCodes.OK, result.code(), result.out());
        }
    }

    private static void awaitStatus(URI uri, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = status(uri);
            if (last == expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(uri + " never answered " + expected + " (last " + last + ")");
    }

    private static int status(URI uri) throws Exception {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET()
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException notYetListening) {
            return -1;
        }
    }
}
