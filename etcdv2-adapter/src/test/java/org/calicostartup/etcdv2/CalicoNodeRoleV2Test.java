package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calico's documented calico/node role for etcd v2 (v2.6/reference/advanced/etcd-rbac/calico-etcdv2-paths.md
 * @v2.6.12): read /calico/*, write /calico, /calico/v1*, /calico/felix/v1*, /calico/ipam/v2*, /calico/bgp/v1* —
 * nothing under /calico/startup. Startup succeeds without claim leases and still finds conflicts.
 */
class CalicoNodeRoleV2Test {

    @TempDir
    Path tmp;

    @Test
    void calicosOwnNodeRoleRegistersWithoutLeasesAndStillFindsConflicts() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single()) {
            EtcdV2Fixture etcd = new EtcdV2Fixture(cluster, tmp);
            String root = "Basic " + Base64.getEncoder().encodeToString("root:root-pw".getBytes(StandardCharsets.UTF_8));
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/users/root", "{\"user\":\"root\",\"password\":\"root-pw\"}", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/roles/calico-node", "{\"role\":\"calico-node\",\"permissions\":"
                    + "{\"kv\":{\"read\":[\"/calico/*\"],\"write\":[\"/calico\",\"/calico/v1*\",\"/calico/felix/v1*\","
                    + "\"/calico/ipam/v2*\",\"/calico/bgp/v1*\"]}}}", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/users/node", "{\"user\":\"node\",\"password\":\"node-pw\","
                    + "\"roles\":[\"calico-node\"]}", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/enable", "", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/roles/guest", "{\"role\":\"guest\",\"revoke\":{\"kv\":{\"read\":"
                    + "[\"/*\"],\"write\":[\"/*\"]}}}", root);
            Map<String, String> env = etcd.env("node-a", "ETCD_USERNAME", "node", "ETCD_PASSWORD", "node-pw");

            StartupReport first = etcd.start(env, EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
            assertTrue(first.nodeCreated());

            StartupException conflict = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-b",
                    "ETCD_USERNAME", "node", "ETCD_PASSWORD", "node-pw"), EtcdV2Fixture.host("10.0.0.11/24"),
                    StartupMode.FAST));
            assertEquals(StartupException.Reason.IP_CONFLICT, conflict.reason(), conflict.getMessage());

            assertEquals("10.0.0.11", get(cluster, root, "/calico/bgp/v1/host/node-a/ip_addr_v4"));
            assertEquals(404, status(cluster, root, "/calico/startup"), "no lease was written");
            assertEquals(404, status(cluster, root, "/calico/v1/host/node-b"), "node-b was not written");

            // An existing node that now autodetects node-a's address: the conflict, and its out-of-date address
            // cleared as with the claims (FastV2Startup.clearOutOfDate) — not a refused delete of a lease it never
            // took.
            Map<String, String> nodeC = etcd.env("node-c", "ETCD_USERNAME", "node", "ETCD_PASSWORD", "node-pw", "IP",
                    "autodetect");
            etcd.start(nodeC, EtcdV2Fixture.host("10.0.0.12/24"), StartupMode.FAST);
            assertEquals("10.0.0.12", get(cluster, root, "/calico/bgp/v1/host/node-c/ip_addr_v4"));
            StartupException rotated = assertThrows(StartupException.class, () -> etcd.start(nodeC,
                    EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST));
            assertEquals(StartupException.Reason.IP_CONFLICT, rotated.reason(), rotated.getMessage());
            assertEquals("", get(cluster, root, "/calico/bgp/v1/host/node-c/ip_addr_v4"));
            assertEquals("10.0.0.11", get(cluster, root, "/calico/bgp/v1/host/node-a/ip_addr_v4"));

            StartupException wrongPassword = assertThrows(StartupException.class, () -> etcd.start(etcd.env(
                    "node-d", "ETCD_USERNAME", "node", "ETCD_PASSWORD", "wrong"), EtcdV2Fixture.host("10.0.0.13/24"),
                    StartupMode.FAST));
            assertEquals(StartupException.Reason.UNAUTHORIZED, wrongPassword.reason());
        }
    }

    private static String get(EtcdCluster cluster, String auth, String key) throws Exception {
        HttpResponse<String> response = send(cluster, auth, key);
        return EtcdV2Fixture.JSON.readTree(response.body()).path("node").path("value").asText();
    }

    private static int status(EtcdCluster cluster, String auth, String key) throws Exception {
        return send(cluster, auth, key).statusCode();
    }

    private static HttpResponse<String> send(EtcdCluster cluster, String auth, String key) throws Exception {
        return cluster.httpClient().send(HttpRequest.newBuilder(cluster.member(0).clientUri()
                .resolve("/v2/keys" + key)).timeout(Duration.ofSeconds(10)).header("Authorization", auth).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
