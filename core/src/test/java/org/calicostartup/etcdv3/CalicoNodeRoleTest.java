package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calico's documented etcd role for calico/node (calico/reference/etcd-rbac/calico-etcdv3-paths.md@v3.22.1) grants
 * nothing under /calico/startup/, and etcd refuses a whole transaction if one key is not permitted. Startup must still
 * succeed with calico-node's own list-then-write, and regain race-free claims once the prefix is granted.
 */
class CalicoNodeRoleTest {

    private static final String[][] CALICO_NODE_ROLE = {
        {"/calico/felix/v1/", "rw"}, {"/calico/felix/v2/", "rw"}, {"/calico/ipam/v2/", "rw"},
        {"/calico/resources/v3/projectcalico.org/felixconfigurations/", "rw"},
        {"/calico/resources/v3/projectcalico.org/nodes/", "rw"},
        {"/calico/resources/v3/projectcalico.org/workloadendpoints/", "rw"},
        {"/calico/resources/v3/projectcalico.org/clusterinformations/", "rw"},
        {"/calico/resources/v3/projectcalico.org/ippools/", "rw"},
        {"/calico/resources/v3/projectcalico.org/", "r"},
    };

    @TempDir
    Path tmp;

    @Test
    void calicosOwnNodeRoleRegistersWithoutClaimsAndStillFindsConflicts() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            Auth auth = etcd.client().getAuthClient();
            calicoNodeUser(auth);
            EtcdV3Fixture.await(auth.authEnable());
            Map<String, String> credentials = Map.of("ETCD_USERNAME", "node", "ETCD_PASSWORD", "node-pw");

            StartupReport first = etcd.start(with(etcd.env("node-a"), credentials), EtcdV3Fixture.host("10.0.0.11/24"));
            assertTrue(first.nodeCreated());
            assertTrue(first.conflictCheckRan());
            assertEquals(3, first.io().roundTrips(), "the refused read, the read with all nodes, the write: "
                    + first.summary());

            StartupException conflict = assertThrows(StartupException.class, () -> etcd.start(
                    with(etcd.env("node-b"), credentials), EtcdV3Fixture.host("10.0.0.11/24")));
            assertEquals(StartupException.Reason.IP_CONFLICT, conflict.reason());
            assertTrue(conflict.getMessage().contains("Calico node 'node-a' is already using the IPv4 address "
                    + "10.0.0.11."), conflict.getMessage());

            try (Client root = Client.builder().endpoints(cluster.clientUris().toArray(new java.net.URI[0]))
                    .user(bytes("root")).password(bytes("root-pw")).build()) {
                var kv = root.getKVClient();
                assertEquals("10.0.0.11/24", EtcdV3Fixture.JSON.readTree(EtcdV3Fixture.await(kv.get(bytes(
                        V3Keys.node("node-a")))).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8))
                        .path("spec").path("bgp").path("ipv4Address").asText());
                assertEquals(0, EtcdV3Fixture.await(kv.get(bytes(V3Keys.CLAIMS), io.etcd.jetcd.options.GetOption
                        .builder().isPrefix(true).build())).getCount(), "no claim was written");
                assertTrue(EtcdV3Fixture.await(kv.get(bytes(V3Keys.node("node-b")))).getKvs().isEmpty());

                // The grant the warning names restores race-free claims.
                EtcdV3Fixture.await(root.getAuthClient().roleGrantPermission(bytes("calico-node"),
                        bytes("/calico/startup/"), bytes(prefixEnd("/calico/startup/")), Permission.Type.READWRITE));
                StartupReport granted = etcd.start(with(etcd.env("node-c"), credentials),
                        EtcdV3Fixture.host("10.0.0.13/24"));
                assertEquals(2, granted.io().roundTrips(), granted.summary());
                assertEquals(1, EtcdV3Fixture.await(kv.get(bytes(V3Keys.CLAIMS), io.etcd.jetcd.options.GetOption
                        .builder().isPrefix(true).build())).getCount());
            }
        }
    }

    /**
     * The watch of the changed nodes (V3Watch) spans from the nodes to calico-startup's fence key, which Calico's
     * role plus the /calico/startup/ grant does not cover: etcd cancels the watch, and the changed nodes are ranged
     * instead — the same conflicts caught, one more round trip — until the role may read the whole span.
     */
    @Test
    void aWatchTheRoleMayNotMakeFallsBackToRangingTheChangedNodes() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            etcd.setEnv("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "0").setEnv("CALICO_STARTUP_CHANGED_NODES", "watch");
            Auth auth = etcd.client().getAuthClient();
            calicoNodeUser(auth);
            EtcdV3Fixture.await(auth.roleGrantPermission(bytes("calico-node"), bytes("/calico/startup/"),
                    bytes(prefixEnd("/calico/startup/")), Permission.Type.READWRITE));
            // A node written without claims, before the cover exists.
            etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");
            EtcdV3Fixture.await(auth.authEnable());
            Map<String, String> credentials = Map.of("ETCD_USERNAME", "node", "ETCD_PASSWORD", "node-pw");

            etcd.start(with(etcd.env("node-a"), credentials), EtcdV3Fixture.host("10.0.0.11/24"));
            etcd.start(with(etcd.env("node-b"), credentials), EtcdV3Fixture.host("10.0.0.12/24"));
            StartupReport refused = etcd.start(with(etcd.env("node-c"), credentials),
                    EtcdV3Fixture.host("10.0.0.13/24"));
            assertEquals(4, refused.io().roundTrips(), "the read, the refused watch beside a read, the range, the "
                    + "write: " + refused.summary());
            try (Client root = Client.builder().endpoints(cluster.clientUris().toArray(new java.net.URI[0]))
                    .user(bytes("root")).password(bytes("root-pw")).build()) {
                // A node written without claims after the cover: only the changed nodes can show it.
                EtcdV3Fixture.await(root.getKVClient().put(bytes(V3Keys.node("calico-node-y")),
                        bytes(EtcdV3Fixture.calicoNode("calico-node-y", "10.0.0.60/24", 400))));
                StartupException conflict = assertThrows(StartupException.class, () -> etcd.start(
                        with(etcd.env("node-d"), credentials), EtcdV3Fixture.host("10.0.0.60/24")));
                assertEquals(StartupException.Reason.IP_CONFLICT, conflict.reason(), conflict.getMessage());
                assertTrue(conflict.getMessage().contains("calico-node-y"), conflict.getMessage());
                EtcdV3Fixture.await(root.getAuthClient().roleGrantPermission(bytes("calico-node"),
                        bytes("/calico/"), bytes(prefixEnd("/calico/")), Permission.Type.READ));
            }
            StartupReport watched = etcd.start(with(etcd.env("node-e"), credentials),
                    EtcdV3Fixture.host("10.0.0.15/24"));
            assertEquals(3, watched.io().roundTrips(), watched.summary());
        }
    }

    /** root (root-pw), and user node (node-pw) with Calico's calico-node role; auth not enabled yet. */
    private static void calicoNodeUser(Auth auth) {
        EtcdV3Fixture.await(auth.userAdd(bytes("root"), bytes("root-pw")));
        EtcdV3Fixture.await(auth.userGrantRole(bytes("root"), bytes("root")));
        EtcdV3Fixture.await(auth.roleAdd(bytes("calico-node")));
        for (String[] grant : CALICO_NODE_ROLE) {
            EtcdV3Fixture.await(auth.roleGrantPermission(bytes("calico-node"), bytes(grant[0]),
                    bytes(prefixEnd(grant[0])), grant[1].equals("rw") ? Permission.Type.READWRITE
                            : Permission.Type.READ));
        }
        EtcdV3Fixture.await(auth.userAdd(bytes("node"), bytes("node-pw")));
        EtcdV3Fixture.await(auth.userGrantRole(bytes("node"), bytes("calico-node")));
    }

    private static Map<String, String> with(Map<String, String> env, Map<String, String> more) {
        env.putAll(more);
        return env;
    }

    private static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
