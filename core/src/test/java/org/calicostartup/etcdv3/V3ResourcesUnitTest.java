package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class V3ResourcesUnitTest {

    /** A new resource's uid is a random UUID as UUID.randomUUID makes it: version 4, RFC 4122 variant. */
    @Test
    void uidsAreRandomVersion4Uuids() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            UUID uuid = V3Resources.randomUuid();
            assertEquals(4, uuid.version(), uuid.toString());
            assertEquals(2, uuid.variant(), uuid.toString());
            assertTrue(UUID.fromString(uuid.toString()).equals(uuid));
            seen.add(uuid);
        }
        assertEquals(1000, seen.size());
        // Without the kernel's device (another OS, a sandbox): the JDK's generator.
        byte[] fallback = V3Resources.randomBytes(16, java.nio.file.Path.of("/nonexistent/urandom"));
        assertEquals(16, fallback.length);
        assertTrue(!java.util.Arrays.equals(fallback, V3Resources.randomBytes(16,
                java.nio.file.Path.of("/nonexistent/urandom"))));
        assertTrue(V3Resources.newResource("Node", "n", java.time.Clock.systemUTC()).path("metadata").path("uid")
                .asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }
}
