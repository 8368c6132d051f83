package org.calicostartup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three members: replication, losing one member (also the first listed), and bringing it back. */
class EtcdThreeMemberClusterTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.cluster(3);

    @Test
    void membersReplicateAndSurviveTheLossOfOne(EtcdCluster etcd) throws Exception {
        EtcdV2 v2 = new EtcdV2(etcd.httpClient());
        URI first = etcd.member(0).clientUri();
        URI third = etcd.member(2).clientUri();
        assertEquals(3, etcd.clientUris().stream().distinct().count());
        assertEquals(etcd.endpoints().split(",").length, 3);

        v2.put(first, "/calico/test/replicated", "one");
        assertEquals("one", v2.get(third, "/calico/test/replicated").path("node").path("value").asText());

        etcd.member(0).kill();
        assertFalse(etcd.member(0).isRunning());
        assertFalse(etcd.isHealthy(etcd.member(0)));
        // If the killed member led, the others elect a new leader first; a write proposed meanwhile may be dropped.
        etcd.awaitHealthy(Duration.ofSeconds(30));
        v2.put(etcd.member(1).clientUri(), "/calico/test/while-down", "two");
        assertEquals("two", v2.get(third, "/calico/test/while-down").path("node").path("value").asText());

        etcd.member(0).start();
        etcd.awaitHealthy(Duration.ofSeconds(30));
        assertTrue(etcd.isHealthy(etcd.member(0)));
        assertEquals("two", v2.get(first, "/calico/test/while-down").path("node").path("value").asText());
    }

    @Test
    void aGracefulStopAndRestartKeepsTheData(EtcdCluster etcd) throws Exception {
        EtcdV2 v2 = new EtcdV2(etcd.httpClient());
        v2.put(etcd.member(2).clientUri(), "/calico/test/kept", "three");
        etcd.member(2).restart();
        etcd.awaitHealthy(Duration.ofSeconds(30));
        assertEquals("three", v2.get(etcd.member(2).clientUri(), "/calico/test/kept").path("node").path("value")
                .asText());
    }
}
