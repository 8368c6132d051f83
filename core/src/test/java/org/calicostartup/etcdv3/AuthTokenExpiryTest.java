package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.calicostartup.NodeStartup;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd expires auth tokens ({@code --auth-token-ttl}); a connection kept by an embedding agent must authenticate
 * again instead of failing every later startup with "invalid auth token".
 */
class AuthTokenExpiryTest {

    @TempDir
    Path tmp;

    @Test
    void aConnectionWhoseTokenExpiredAuthenticatesAgain() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().extraArguments("--auth-token=simple", "--auth-token-ttl=1")
                .start(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            etcd.enableAuth("agent", "agent-pw");

            StartupConfig first = config(etcd, "node-a");
            try (Datastore store = new EtcdV3DatastoreProvider().open(first.datastore())) {
                assertTrue(NodeStartup.builder(first).datastore(store).interfaces(EtcdV3Fixture.host("10.0.0.11/24"))
                        .build().run().nodeCreated());
                // Simple tokens live for the TTL after their last use; etcd checks them about once a second.
                Thread.sleep(3_000);
                StartupConfig second = config(etcd, "node-b");
                assertTrue(NodeStartup.builder(second).datastore(store).interfaces(EtcdV3Fixture.host(
                        "10.0.0.12/24")).build().run().nodeCreated());
            }
        }
    }

    private static StartupConfig config(EtcdV3Fixture etcd, String name) {
        return StartupConfig.fromEnvironment(etcd.env(name, "ETCD_USERNAME", "agent", "ETCD_PASSWORD", "agent-pw",
                "IP", "autodetect"), new NodeNameResolver(() -> "unused"));
    }
}
