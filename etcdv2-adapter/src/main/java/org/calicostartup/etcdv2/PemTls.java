package org.calicostartup.etcdv2;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.calicostartup.StartupException;
import org.calicostartup.config.TlsFiles;

/** An {@link SSLContext} from calico-node's PEM files, with the JDK only. Every error names the variable and file. */
final class PemTls {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

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
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file
                    + " named by ETCD_KEY_FILE cannot be read: " + e, e);
        }
        Matcher matcher = PKCS8.matcher(pem);
        if (!matcher.find()) {
            String found = pem.contains("BEGIN RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
                    : pem.contains("BEGIN EC PRIVATE KEY") ? "a SEC1 EC key"
                    : pem.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "an encrypted key" : "no private key";
            throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file + " named by "
                    + "ETCD_KEY_FILE holds " + found + "; an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----) "
                    + "is needed: convert it with openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
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
