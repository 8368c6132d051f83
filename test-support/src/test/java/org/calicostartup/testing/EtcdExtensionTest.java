package org.calicostartup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** The single-member harness: a real etcd 3.4 with the v2 and v3 APIs, and its log in failing tests' reports. */
class EtcdExtensionTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void runsARealEtcd34OnLoopback(EtcdCluster etcd) throws Exception {
        assertEquals(1, etcd.members().size());
        assertEquals("127.0.0.1", etcd.member(0).clientUri().getHost());
        HttpResponse<String> version = etcd.httpClient().send(HttpRequest.newBuilder(
                etcd.member(0).clientUri().resolve("/version")).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = new ObjectMapper().readTree(version.body());
        assertTrue(json.path("etcdserver").asText().startsWith("3.4."), version.body());
    }

    @Test
    void servesTheV2Api(EtcdCluster etcd) throws Exception {
        EtcdV2 v2 = new EtcdV2(etcd.httpClient());
        v2.put(etcd.member(0).clientUri(), "/calico/v1/Ready", "true");
        assertEquals("true", v2.get(etcd.member(0).clientUri(), "/calico/v1/Ready").path("node").path("value")
                .asText());
    }

    @Test
    void servesTheV3Api(EtcdCluster etcd) throws Exception {
        String key = java.util.Base64.getEncoder().encodeToString("/calico/resources/v3/x".getBytes());
        String value = java.util.Base64.getEncoder().encodeToString("{}".getBytes());
        HttpRequest put = HttpRequest.newBuilder(etcd.member(0).clientUri().resolve("/v3/kv/put"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}"))
                .build();
        assertEquals(200, etcd.httpClient().send(put, HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpRequest range = HttpRequest.newBuilder(etcd.member(0).clientUri().resolve("/v3/kv/range"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}")).build();
        JsonNode kvs = new ObjectMapper().readTree(etcd.httpClient().send(range,
                HttpResponse.BodyHandlers.ofString()).body()).path("kvs");
        assertEquals(value, kvs.get(0).path("value").asText());
    }

    @Test
    void environmentPointsCalicoAtIt(EtcdCluster etcd) {
        assertEquals(etcd.member(0).clientUri().toString(), etcd.environment().get("ETCD_ENDPOINTS"));
        assertFalse(etcd.environment().containsKey("ETCD_CA_CERT_FILE"));
    }

    @Test
    void closeKillsTheMembersAndDeletesTheirFiles() throws Exception {
        EtcdCluster etcd = EtcdCluster.single();
        long pid = etcd.member(0).pid();
        Path dir = etcd.member(0).logFile().getParent();
        assertTrue(Files.isDirectory(dir));
        etcd.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(dir));
    }

    @Test
    void aFailingTestCarriesEtcdsLogInItsReport() {
        List<Event> failures = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingTest.class))
                .execute().testEvents().failed().list();
        assertEquals(1, failures.size());
        Throwable failure = failures.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable()
                .orElseThrow();
        assertEquals("deliberate", failure.getMessage());
        String logs = Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).findFirst().orElse("");
        assertTrue(logs.startsWith("etcd log at the time of the failure:"), logs);
        assertTrue(logs.contains("\"msg\""), "etcd's zap log lines: " + logs);
    }

    /** Run only through the test kit above (Surefire skips nested classes). */
    static class FailingTest {
        @RegisterExtension
        static final EtcdExtension ETCD = EtcdExtension.single();

        @Test
        void fails(EtcdCluster etcd) {
            etcd.awaitHealthy(Duration.ofSeconds(5));
            throw new AssertionError("deliberate");
        }
    }
}
