package org.calicostartup.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.calicostartup.StartupException;
import org.calicostartup.config.TlsFiles;

/**
 * calico-node's TLS files as Go's {@code tls.LoadX509KeyPair} accepts them, read with Bouncy Castle's PEM parser:
 * client keys in PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, kubeadm's) and SEC1
 * ({@code BEGIN EC PRIVATE KEY}, cfssl's); certificates and CA bundles as PEM. An encrypted key (Go refuses those
 * too) and every other problem is a configuration error naming the variable and the file.
 */
public final class PemTls {

    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();
    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();

    private PemTls() {
    }

    /** The private key in {@code ETCD_KEY_FILE}. */
    public static PrivateKey privateKey(Path file) {
        List<Object> objects = read(file, "ETCD_KEY_FILE");
        for (Object object : objects) {
            try {
                if (object instanceof PrivateKeyInfo info) {
                    return KEYS.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return KEYS.getPrivateKey(pair.getPrivateKeyInfo());
                }
            } catch (IOException e) {
                throw configuration("The file " + file + " named by ETCD_KEY_FILE holds a key that cannot be used: "
                        + e.getMessage(), e);
            }
            if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                throw configuration("The file " + file + " named by ETCD_KEY_FILE holds an encrypted key; etcd "
                        + "clients (calico-node's too) need it unencrypted: openssl pkey -in " + file
                        + " -out key.pem", null);
            }
        }
        throw configuration("The file " + file + " named by ETCD_KEY_FILE holds no private key (accepted: PEM in "
                + "PKCS#8, PKCS#1 RSA or SEC1 EC form)", null);
    }

    /** The certificates in a PEM file named by {@code variable}, in file order; at least one. */
    public static List<X509Certificate> certificates(Path file, String variable) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : read(file, variable)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(CERTIFICATES.getCertificate(holder));
                } catch (CertificateException e) {
                    throw configuration("The file " + file + " named by " + variable + " holds a certificate that "
                            + "cannot be used: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw configuration("The file " + file + " named by " + variable + " holds no PEM certificate", null);
        }
        return certificates;
    }

    /** A JDK {@link SSLContext} trusting {@code ETCD_CA_CERT_FILE}, with the client certificate when given. */
    public static SSLContext context(TlsFiles tls) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : certificates(tls.caCertFile(), "ETCD_CA_CERT_FILE")) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (tls.hasClientCertificate()) {
                char[] password = new char[0];
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", privateKey(tls.keyFile().orElseThrow()), password,
                        certificates(tls.certFile().orElseThrow(), "ETCD_CERT_FILE").toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw configuration("Cannot use the etcd TLS files (ETCD_CA_CERT_FILE=" + tls.caCertFile()
                    + tls.certFile().map(f -> ", ETCD_CERT_FILE=" + f).orElse("")
                    + tls.keyFile().map(f -> ", ETCD_KEY_FILE=" + f).orElse("") + "): " + e.getMessage(), e);
        }
    }

    private static List<Object> read(Path file, String variable) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            throw configuration("The file " + file + " named by " + variable + " is not readable PEM: "
                    + e.getMessage(), e);
        }
        return objects;
    }

    private static StartupException configuration(String message, Throwable cause) {
        return cause == null ? new StartupException(StartupException.Reason.CONFIGURATION, message)
                : new StartupException(StartupException.Reason.CONFIGURATION, message, cause);
    }
}
