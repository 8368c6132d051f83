package org.calicostartup.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.calicostartup.StartupException;

/**
 * calico-node 2.6's and v3.0's {@code startup.env}: {@code export NODENAME=<name>\n}, mode 0666, sourced by rc.local
 * ({@code writeStartupEnv}, calico_node/startup/startup.go@v2.6.12 and @v3.0.1).
 */
public final class StartupEnvFile {

    private StartupEnvFile() {
    }

    public static void write(Path file, String nodeName) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, "export NODENAME=" + nodeName + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the default
            }
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.INTERNAL, "Node " + nodeName + " is registered, but "
                    + file + " (CALICO_STARTUP_ENV_FILE) cannot be written: " + e, e);
        }
    }
}
