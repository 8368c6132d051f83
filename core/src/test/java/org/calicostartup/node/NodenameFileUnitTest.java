package org.calicostartup.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodenameFileUnitTest {

    @TempDir
    Path dir;

    /** The name as calico-node writes it (no newline, 0644), replaced whole, nothing left beside it. */
    @Test
    void writesTheNameAtomicallyAndLeavesNothingBehind() throws IOException {
        Path file = dir.resolve("lib/calico/nodename");
        NodenameFile.write(file, "node-a");
        NodenameFile.write(file, "node-b");
        assertEquals("node-b", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList());
        }
    }

    /** Each temporary file is new (created exclusively), never one already there. */
    @Test
    void temporaryFilesAreNewEachTime() throws IOException {
        Path first = NodenameFile.newTempFile(dir);
        Path second = NodenameFile.newTempFile(dir);
        assertNotEquals(first, second);
        assertTrue(Files.isRegularFile(first) && Files.isRegularFile(second));
        assertEquals(0, Files.size(first));
        assertTrue(first.getFileName().toString().startsWith(".nodename." + ProcessHandle.current().pid() + "."));
    }
}
