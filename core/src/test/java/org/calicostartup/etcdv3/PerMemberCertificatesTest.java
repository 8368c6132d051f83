package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.calicostartup.StartupReport;
import org.calicostartup.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members on 127.0.0.1, .2 and .3, each serving a certificate valid for its own address only, the first one
 * down: the node registers over TLS, each member verified for its own name (as etcdctl does).
 */
class PerMemberCertificatesTest {

    @TempDir
    Path tmp;

    @Test
    void registersWithTheFirstMemberDown() {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).perMemberCertificates().start();
                EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            cluster.member(0).kill();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            StartupReport report = etcd.start(etcd.env("node-pm", "CALICO_STARTUP_REQUEST_TIMEOUT", "5s"),
                    EtcdV3Fixture.host("10.0.0.11/24"));
            assertTrue(report.nodeCreated(), report.summary());
        }
    }
}
