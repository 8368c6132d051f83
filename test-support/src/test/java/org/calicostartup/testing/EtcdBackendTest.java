package org.calicostartup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which etcd the harness starts: processes by default, containers only when asked for and Docker is there. */
class EtcdBackendTest {

    @Test
    void processesByDefault() {
        assertEquals(EtcdBackend.PROCESS, EtcdBackend.select(null, () -> true));
        assertEquals(EtcdBackend.PROCESS, EtcdBackend.select("", () -> false));
        assertEquals(EtcdBackend.PROCESS, EtcdBackend.select("process", () -> false));
        assertFalse(EtcdBackend.PROCESS.container());
    }

    @Test
    void aContainerImageWhenDockerIsThere() {
        EtcdBackend backend = EtcdBackend.select("container:quay.io/coreos/etcd:v3.5.17", () -> true);
        assertTrue(backend.container());
        assertEquals(Optional.of("quay.io/coreos/etcd:v3.5.17"), backend.image());
    }

    @Test
    void containersWithoutDockerFailInsteadOfTestingSomethingElse() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EtcdBackend.select("container:quay.io/coreos/etcd:v3.6.4", () -> false));
        assertTrue(e.getMessage().contains(EtcdBackend.PROPERTY) && e.getMessage().contains("Docker"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"container:", "docker", "containers:etcd", "podman:etcd"})
    void otherValuesAreRefusedByName(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EtcdBackend.select(value, () -> true));
        assertTrue(e.getMessage().contains(EtcdBackend.PROPERTY), e.getMessage());
    }
}
