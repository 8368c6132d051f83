package org.calicostartup.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
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
            Path temp = newTempFile(dir);
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

    /**
     * A new, empty file in {@code dir} that no one else has, named after this process and the clock. Created with
     * {@code O_EXCL} (a file or link already there makes it try another name), as {@code Files.createTempFile} does,
     * but without its random name: that sets up the JDK's security providers for a SecureRandom (~5 ms at the end of
     * every cold start).
     */
    static Path newTempFile(Path dir) throws IOException {
        String prefix = ".nodename." + ProcessHandle.current().pid() + ".";
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve(prefix + System.nanoTime() + ".tmp");
            try {
                Files.newByteChannel(temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)).close();
                return temp;
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }
}
