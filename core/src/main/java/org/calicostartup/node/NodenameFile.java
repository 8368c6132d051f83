package org.calicostartup.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.calicostartup.StartupException;

/**
 * calico-node v3.1+'s nodename file ({@code /var/lib/calico/nodename}): the node name, no newline, mode 0644. The
 * CNI plugin reads it, and the next start prefers it over the host name. Written atomically (temp file + rename).
 */
public final class NodenameFile {

    private NodenameFile() {
    }

    public static void write(Path file, String nodeName) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".nodename", ".tmp");
            try {
                Files.writeString(temp, nodeName, StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException notPosix) {
                    // keep the default permissions
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.INTERNAL, "Node " + nodeName + " is registered, "
                    + "but the nodename file " + file + " (CALICO_NODENAME_FILE) cannot be written: " + e, e);
        }
    }
}
