package org.calicostartup.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA, a server certificate for 127.0.0.1/localhost and a client certificate, generated at test time and written as
 * PEM files (keys in PKCS#8, as etcd and the JDK read them). Each call to {@link #generate} makes a new, unrelated CA,
 * so a second instance is a "wrong CA" for the first.
 */
public final class TlsMaterial {

    /** The client certificate's common name; etcd maps it to a user when auth is enabled. */
    public static final String CLIENT_COMMON_NAME = "calico-startup-client";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final Duration VALIDITY = Duration.ofDays(2);

    private final Path caCert;
    private final Path serverCert;
    private final Path serverKey;
    private final Path clientCert;
    private final Path clientKey;
    private final X509Certificate ca;
    private final X509Certificate client;
    private final PrivateKey clientPrivateKey;

    private TlsMaterial(Path dir, X509Certificate ca, X509Certificate client, PrivateKey clientPrivateKey) {
        this.caCert = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server-key.pem");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client-key.pem");
        this.ca = ca;
        this.client = client;
        this.clientPrivateKey = clientPrivateKey;
    }

    /** Generates the material into {@code dir}. */
    public static TlsMaterial generate(Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPair caKeys = rsa();
            X509Certificate ca = sign(new X500Name("CN=calico-startup test CA " + SERIAL.get()), caKeys,
                    new X500Name("CN=calico-startup test CA " + SERIAL.get()), caKeys.getPrivate(), true, null, null);
            KeyPair serverKeys = rsa();
            X509Certificate server = sign(new X500Name("CN=etcd"), serverKeys, issuer(ca), caKeys.getPrivate(), false,
                    new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}),
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
            KeyPair clientKeys = rsa();
            X509Certificate client = sign(new X500Name("CN=" + CLIENT_COMMON_NAME), clientKeys, issuer(ca),
                    caKeys.getPrivate(), false, null, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
            TlsMaterial material = new TlsMaterial(dir, ca, client, clientKeys.getPrivate());
            Files.writeString(material.caCert, pem(ca));
            Files.writeString(material.serverCert, pem(server));
            Files.writeString(material.serverKey, pkcs8(serverKeys.getPrivate()));
            Files.writeString(material.clientCert, pem(client));
            Files.writeString(material.clientKey, pkcs8(clientKeys.getPrivate()));
            return material;
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate TLS material in " + dir, e);
        }
    }

    public Path caCertFile() {
        return caCert;
    }

    public Path serverCertFile() {
        return serverCert;
    }

    public Path serverKeyFile() {
        return serverKey;
    }

    public Path clientCertFile() {
        return clientCert;
    }

    public Path clientKeyFile() {
        return clientKey;
    }

    /** An SSLContext that trusts this CA and presents the client certificate. */
    public SSLContext clientContext() {
        try {
            char[] password = "test".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientPrivateKey, password, new Certificate[] {client, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSLContext from " + caCert, e);
        }
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X500Name issuer(X509Certificate ca) {
        return X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
            boolean isCa, GeneralNames altNames, KeyPurposeId[] purposes)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        builder.addExtension(Extension.keyUsage, true, isCa
                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        if (purposes != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static String pkcs8(PrivateKey key) throws IOException {
        return pem(new JcaPKCS8Generator(key, null));
    }
}
