package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.calicostartup.StartupException;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.TlsMaterial;
import org.calicostartup.testing.TlsMaterial.KeyForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Client keys as clusters have them — kubeadm's PKCS#1, cfssl's SEC1, PKCS#8 — register a node over TLS (etcd v3). */
class ClientKeyFormatsTest {

    @TempDir
    static Path tmp;

    static EtcdCluster cluster;
    static EtcdV3Fixture etcd;

    @BeforeAll
    static void start() {
        cluster = EtcdCluster.builder().tls(true).start();
        etcd = new EtcdV3Fixture(cluster, tmp);
    }

    @AfterAll
    static void stop() {
        etcd.close();
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(value = KeyForm.class, names = {"RSA_PKCS8", "RSA_PKCS1", "EC_SEC1", "EC_PKCS8"})
    void everyUnencryptedFormRegisters(KeyForm form) {
        Path[] client = cluster.tls().orElseThrow().writeClient(tmp.resolve("keys"), form);
        String name = "node-" + form.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        etcd.start(etcd.env(name, "ETCD_CERT_FILE", client[0].toString(), "ETCD_KEY_FILE", client[1].toString()),
                EtcdV3Fixture.host("10.0.1." + (form.ordinal() + 1) + "/24"));
        assertTrue(etcd.get(V3Keys.node(name)).isPresent());
    }

    @Test
    void anEncryptedKeyIsNamedBeforeAnyConnection() {
        TlsMaterial tls = cluster.tls().orElseThrow();
        Path[] client = tls.writeClient(tmp.resolve("keys"), KeyForm.RSA_PKCS8_ENCRYPTED);
        StartupException e = assertThrows(StartupException.class, () -> etcd.start(etcd.env("node-enc",
                "ETCD_CERT_FILE", client[0].toString(), "ETCD_KEY_FILE", client[1].toString()),
                EtcdV3Fixture.host("10.0.0.11/24")));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(client[1].toString()) && e.getMessage().contains("ETCD_KEY_FILE")
                && e.getMessage().contains("encrypted"), e.getMessage());
        assertFalse(etcd.get(V3Keys.node("node-enc")).isPresent());
    }
}
