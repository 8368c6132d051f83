package org.calicostartup.etcdv3;

import java.nio.file.Path;
import org.calicostartup.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One real etcd per test class, a fixture connected to it, and an empty /calico before every test. */
abstract class SharedEtcdV3Test {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path tmp;

    static EtcdV3Fixture etcd;

    @BeforeAll
    static void connect() {
        etcd = new EtcdV3Fixture(ETCD.cluster(), tmp);
    }

    @AfterAll
    static void disconnect() {
        etcd.close();
    }

    @BeforeEach
    void clear() {
        etcd.clear();
    }
}
