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
    private PrivateKey caPrivateKey;

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

    /** Generates the material into {@code dir}; the server certificate is valid for 127.0.0.1 and localhost. */
    public static TlsMaterial generate(Path dir) {
        return generate(dir, "127.0.0.1", "localhost");
    }

    /**
     * Generates the material with a server certificate valid only for {@code serverNames} (IP literals or DNS
     * names), e.g. a name other than the one clients dial, to test host name verification.
     */
    public static TlsMaterial generate(Path dir, String... serverNames) {
        try {
            Files.createDirectories(dir);
            KeyPair caKeys = rsa();
            X509Certificate ca = sign(new X500Name("CN=calico-startup test CA " + SERIAL.get()), caKeys,
                    new X500Name("CN=calico-startup test CA " + SERIAL.get()), caKeys.getPrivate(), true, null, null);
            KeyPair serverKeys = rsa();
            GeneralName[] names = new GeneralName[serverNames.length];
            for (int i = 0; i < serverNames.length; i++) {
                names[i] = new GeneralName(serverNames[i].matches("[0-9.:]+") ? GeneralName.iPAddress
                        : GeneralName.dNSName, serverNames[i]);
            }
            X509Certificate server = sign(new X500Name("CN=etcd"), serverKeys, issuer(ca), caKeys.getPrivate(), false,
                    new GeneralNames(names),
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
            KeyPair clientKeys = rsa();
            X509Certificate client = sign(new X500Name("CN=" + CLIENT_COMMON_NAME), clientKeys, issuer(ca),
                    caKeys.getPrivate(), false, null, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
            TlsMaterial material = new TlsMaterial(dir, ca, client, clientKeys.getPrivate());
            material.caPrivateKey = caKeys.getPrivate();
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
        return clientContext(true);
    }

    /**
     * As {@link #clientContext()}, optionally without host name verification: the harness's own health checks use
     * that, so a member whose certificate is deliberately valid for another name can still be managed.
     */
    public SSLContext clientContext(boolean verifyHostname) {
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
            javax.net.ssl.TrustManager[] trustManagers = tmf.getTrustManagers();
            if (!verifyHostname) {
                trustManagers = new javax.net.ssl.TrustManager[] {
                    new ChainOnlyTrustManager((javax.net.ssl.X509TrustManager) trustManagers[0])};
            }
            context.init(kmf.getKeyManagers(), trustManagers, new SecureRandom());
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSLContext from " + caCert, e);
        }
    }

    /** Checks the certificate chain against the CA but not the host name. */
    private static final class ChainOnlyTrustManager extends javax.net.ssl.X509ExtendedTrustManager {
        private final javax.net.ssl.X509TrustManager delegate;

        ChainOnlyTrustManager(javax.net.ssl.X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
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

    /** Writes the client key again in the traditional PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}). */
    public Path writePkcs1ClientKey(Path file) {
        try {
            Files.writeString(file, pem(clientPrivateKey));
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The client key form a test asks for, as clusters have them. */
    public enum KeyForm {
        /** RSA, {@code BEGIN PRIVATE KEY}. */
        RSA_PKCS8,
        /** RSA, {@code BEGIN RSA PRIVATE KEY} (kubeadm's). */
        RSA_PKCS1,
        /** EC P-256, {@code BEGIN EC PRIVATE KEY} (cfssl's). */
        EC_SEC1,
        /** EC P-256, {@code BEGIN PRIVATE KEY}. */
        EC_PKCS8,
        /** RSA, {@code BEGIN ENCRYPTED PRIVATE KEY} (password "s3cr3t-key-pw"). */
        RSA_PKCS8_ENCRYPTED
    }

    /**
     * Writes a client certificate signed by this CA and its key in {@code form} into {@code dir}; returns
     * {@code [certificate file, key file]}.
     */
    public Path[] writeClient(Path dir, KeyForm form) {
        try {
            Files.createDirectories(dir);
            KeyPair keys;
            if (form == KeyForm.EC_SEC1 || form == KeyForm.EC_PKCS8) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
                keys = generator.generateKeyPair();
            } else {
                keys = rsa();
            }
            X509Certificate cert = sign(new X500Name("CN=" + CLIENT_COMMON_NAME), keys, issuer(ca), caPrivateKey,
                    false, null, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
            Path certFile = Files.writeString(dir.resolve(form + "-cert.pem"), pem(cert));
            String key = switch (form) {
                case RSA_PKCS1 -> pem(keys.getPrivate());
                case EC_SEC1 -> pem(sec1(keys));
                case RSA_PKCS8, EC_PKCS8 -> pkcs8(keys.getPrivate());
                case RSA_PKCS8_ENCRYPTED -> pem(new JcaPKCS8Generator(keys.getPrivate(),
                        new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                                org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                                .setPassword("s3cr3t-key-pw".toCharArray()).build()));
            };
            Path keyFile = Files.writeString(dir.resolve(form + "-key.pem"), key);
            return new Path[] {certFile, keyFile};
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot write a " + form + " client key in " + dir, e);
        }
    }

    /** Writes a server certificate signed by this CA, valid for {@code name} only; returns {@code [cert, key]}. */
    public Path[] writeServer(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            KeyPair keys = rsa();
            GeneralName san = new GeneralName(name.matches("[0-9.:]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                    name);
            X509Certificate cert = sign(new X500Name("CN=etcd " + name), keys, issuer(ca), caPrivateKey, false,
                    new GeneralNames(san), new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                        KeyPurposeId.id_kp_clientAuth});
            return new Path[] {Files.writeString(dir.resolve("server.pem"), pem(cert)),
                Files.writeString(dir.resolve("server-key.pem"), pkcs8(keys.getPrivate()))};
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot write a server certificate for " + name, e);
        }
    }

    /** An EC key as openssl and cfssl write it: SEC1 with the named curve and the public key inside. */
    private static org.bouncycastle.util.io.pem.PemObject sec1(KeyPair keys) throws IOException {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo pub =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                pub.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", full.getEncoded());
    }

    private static String pkcs8(PrivateKey key) throws IOException {
        return pem(new JcaPKCS8Generator(key, null));
    }
}
