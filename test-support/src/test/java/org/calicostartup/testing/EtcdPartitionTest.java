package org.calicostartup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A partitioned first member: reachable by clients, cut off from its peers, while the others keep a quorum; healed,
 * it catches up. Its network namespace is gone once the cluster is closed.
 */
class EtcdPartitionTest {

    @Test
    void theFirstMemberIsCutOffFromItsPeersButNotFromClientsAndCatchesUpOnceHealed() throws Exception {
        List<String> before = peerNamespaces();
        try (EtcdCluster etcd = EtcdCluster.builder().members(3).firstMemberPartitionable().start()) {
            EtcdV2 v2 = new EtcdV2(etcd.httpClient());
            URI first = etcd.member(0).clientUri();
            assertTrue(first.getHost().startsWith("10.234."), "the first member listens in its namespace: " + first);
            assertEquals(before.size() + 1, peerNamespaces().size());
            v2.put(first, "/calico/test/before", "one");

            etcd.cutOffFirstMember();
            assertFalse(etcd.isHealthy(etcd.member(0)), "returns once the member has no leader");
            assertTrue(etcd.isHealthy(etcd.member(1)) && etcd.isHealthy(etcd.member(2)), "the others keep quorum");
            v2.put(etcd.member(1).clientUri(), "/calico/test/during", "two");
            // Clients still reach it, and it has not seen the write: its local (not quorum) read misses the key.
            assertEquals(200, get(etcd, first.resolve("/version")).statusCode());
            HttpResponse<String> local = get(etcd, first.resolve("/v2/keys/calico/test/during"));
            assertEquals(100, new ObjectMapper().readTree(local.body()).path("errorCode").asInt(), local.body());

            etcd.reconnectFirstMember();
            etcd.awaitHealthy(Duration.ofSeconds(30));
            assertEquals("two", v2.get(first, "/calico/test/during").path("node").path("value").asText());
        }
        assertEquals(before, peerNamespaces(), "the namespace is deleted");
    }

    private static HttpResponse<String> get(EtcdCluster etcd, URI uri) throws IOException, InterruptedException {
        return etcd.httpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> peerNamespaces() throws IOException {
        Path dir = Path.of("/var/run/netns");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cs-peer-")).sorted()
                    .toList();
        }
    }
}
