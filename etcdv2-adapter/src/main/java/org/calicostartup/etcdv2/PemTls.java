package org.calicostartup.etcdv2;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.calicostartup.StartupException;
import org.calicostartup.config.TlsFiles;

/** An {@link SSLContext} from calico-node's PEM files, with the JDK only. Every error names the variable and file. */
final class PemTls {

    private PemTls() {
    }

    static SSLContext context(TlsFiles tls) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate ca : certificates(tls.caCertFile(), "ETCD_CA_CERT_FILE")) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (tls.hasClientCertificate()) {
                char[] password = new char[0];
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                Collection<? extends Certificate> chain = certificates(tls.certFile().orElseThrow(), "ETCD_CERT_FILE");
                keys.setKeyEntry("client", privateKey(tls.keyFile().orElseThrow()), password,
                        chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Cannot use the etcd TLS files: " + e,
                    e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path file, String variable) {
        try {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
            if (certificates.isEmpty()) {
                throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file + " named by "
                        + variable + " holds no certificate");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file + " named by "
                    + variable + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        byte[] der = org.calicostartup.spi.PemKeys.pkcs8(file);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next
            }
        }
        throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file + " named by "
                + "ETCD_KEY_FILE holds a PKCS#8 key of an unsupported algorithm (RSA, EC and Ed25519 are supported)");
    }
}
