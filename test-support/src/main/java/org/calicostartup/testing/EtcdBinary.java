package org.calicostartup.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the etcd server binary: {@code $ETCD_BIN}, then {@code etcd} on the PATH, then Debian's /usr/bin/etcd. */
public final class EtcdBinary {

    static final String HOW_TO_INSTALL = "install Debian's etcd-server package (as root: apt-get install -y "
            + "etcd-server; bin/test does this when it runs as root), or point ETCD_BIN at an etcd 3.4 binary";

    private EtcdBinary() {
    }

    public static Path find() {
        return locate().orElseThrow(() -> new IllegalStateException("No etcd server binary found: " + HOW_TO_INSTALL));
    }

    static Optional<Path> locate() {
        String explicit = System.getenv("ETCD_BIN");
        if (explicit != null && !explicit.isEmpty()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(java.io.File.pathSeparator)).filter(d -> !d.isEmpty())
                        .map(d -> Path.of(d, "etcd")), Stream.of(Path.of("/usr/bin/etcd")))
                .filter(Files::isExecutable).findFirst();
    }
}
