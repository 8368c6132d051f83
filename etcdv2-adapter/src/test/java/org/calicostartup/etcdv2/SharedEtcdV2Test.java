package org.calicostartup.etcdv2;

import java.nio.file.Path;
import org.calicostartup.testing.EtcdExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One real etcd per test class, a fixture on its v2 API, and an empty /calico before every test. */
abstract class SharedEtcdV2Test {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @TempDir
    static Path tmp;

    static EtcdV2Fixture etcd;

    @BeforeAll
    static void connect() {
        etcd = new EtcdV2Fixture(ETCD.cluster(), tmp);
    }

    @BeforeEach
    void clear() {
        etcd.clear();
    }
}
