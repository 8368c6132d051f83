package org.calicostartup.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * PEM files for TLS to etcd: the CA that signed the servers' certificates, and optionally a client certificate and
 * its private key (both or neither).
 */
public record TlsFiles(Path caCertFile, Optional<Path> certFile, Optional<Path> keyFile) {

    public TlsFiles {
        Objects.requireNonNull(caCertFile, "caCertFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
    }

    public boolean hasClientCertificate() {
        return certFile.isPresent();
    }
}
