package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.EtcdExtension;
import org.calicostartup.testing.LatencyProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code diagnose} end to end: read-only, predictions. */
class DiagnoseTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    Path tmp;

    @Test
    void diagnoseMeasuresCountsPredictsAndWritesNothing(EtcdCluster etcd) throws Exception {
        for (int i = 0; i < 4; i++) {
            Map<String, String> env = env(etcd.endpoints(), "host-" + i, "10.1.0." + (i + 1) + "/16");
            assertEquals(ExitCodes.OK, CliFixture.inProcess(env, "run").code());
        }
        String before = dump(etcd);
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ofMillis(100))) {
            CliFixture.Result result = CliFixture.inProcess(env(proxy.uri("http").toString(), "diagnoser",
                    "10.9.9.9/24"), "diagnose", "--initial-delay", "1", "--period", "1", "--failure-threshold", "2");
            assertEquals(ExitCodes.OK, result.code(), result.out() + result.err());
            assertTrue(result.out().contains("nodes: 4"), result.out());
            Matcher median = Pattern.compile("median ([0-9.]+) ms").matcher(result.out());
            assertTrue(median.find(), result.out());
            assertTrue(Double.parseDouble(median.group(1)) >= 100, "the proxy's 100 ms are seen: " + result.out());
            assertTrue(result.out().contains("calico-node 2.6 (first registration)"), result.out());
            assertTrue(result.out().contains("KILLS IT"), result.out());
            assertTrue(result.out().contains("raise the liveness probe's failureThreshold to"), result.out());
            assertTrue(result.out().contains("calico-startup (etcdv2)"), result.out());
            assertFalse(result.out().contains("[INFO]") || result.out().contains("[WARNING]"),
                    "stdout is the report only, logs go to stderr: " + result.out());
            assertFalse(result.err().contains("[WARNING]") || result.err().contains("Exception"),
                    "no client-library warnings: " + result.err());
        }
        assertEquals(before, dump(etcd), "diagnose is read-only");
    }

    private Map<String, String> env(String endpoints, String name, String ip) {
        Map<String, String> env = new HashMap<>();
        env.put("DATASTORE_TYPE", "etcdv2");
        env.put("ETCD_ENDPOINTS", endpoints);
        env.put("NODENAME", name);
        env.put("IP", ip);
        env.put("FELIX_IPV6SUPPORT", "false");
        env.put("CALICO_STARTUP_ENV_FILE", tmp.resolve(name + ".env").toString());
        return env;
    }

    private static String dump(EtcdCluster etcd) throws Exception {
        HttpResponse<String> response = etcd.httpClient().send(HttpRequest.newBuilder(URI.create(
                etcd.member(0).clientUri() + "/v2/keys/calico?recursive=true&sorted=true")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().replaceAll("\"ttl\":\\d+,\"expiration\":\"[^\"]*\",?", "")
                .replaceAll("\"expiration\":\"[^\"]*\",\"ttl\":\\d+,?", "");
    }
}
