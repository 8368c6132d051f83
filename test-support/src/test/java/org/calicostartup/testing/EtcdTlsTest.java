package org.calicostartup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The TLS member: https only, client certificates required, signed by a CA generated for the test. */
class EtcdTlsTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.tls();

    @TempDir
    Path tmp;

    @Test
    void acceptsTheGeneratedClientCertificate(EtcdCluster etcd) throws Exception {
        assertEquals("https", etcd.member(0).clientUri().getScheme());
        EtcdV2 v2 = new EtcdV2(etcd.httpClient());
        v2.put(etcd.member(0).clientUri(), "/calico/v1/Ready", "true");
        assertEquals("true", v2.get(etcd.member(0).clientUri(), "/calico/v1/Ready").path("node").path("value")
                .asText());
        TlsMaterial tls = etcd.tls().orElseThrow();
        assertEquals(tls.caCertFile().toString(), etcd.environment().get("ETCD_CA_CERT_FILE"));
        assertTrue(Files.readString(tls.clientKeyFile()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(tls.clientCertFile()).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    /**
     * Every request carries a deadline: with TLS 1.3 a server that rejects the client's certificate may do so after
     * the client's handshake completed, and some kernels then leave the client waiting instead of reset; no answer
     * in time is a refusal too, an answer is not.
     */
    private static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(10);

    @Test
    void refusesAClientWithoutCertificate(EtcdCluster etcd) throws Exception {
        HttpClient noCertificate = HttpClient.newBuilder().sslContext(trustOnly(etcd.tls().orElseThrow())).build();
        assertThrows(IOException.class, () -> noCertificate.send(HttpRequest.newBuilder(
                etcd.member(0).clientUri().resolve("/v2/keys/")).timeout(DEADLINE).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aClientOfAnotherCaCannotConnect(EtcdCluster etcd) {
        TlsMaterial other = TlsMaterial.generate(tmp.resolve("other"));
        HttpClient wrongCa = HttpClient.newBuilder().sslContext(other.clientContext()).build();
        assertThrows(IOException.class, () -> wrongCa.send(HttpRequest.newBuilder(
                etcd.member(0).clientUri().resolve("/health")).timeout(DEADLINE).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void plainHttpIsNotServed(EtcdCluster etcd) {
        java.net.URI http = java.net.URI.create("http://127.0.0.1:" + etcd.member(0).clientPort() + "/v2/keys/");
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(http).timeout(DEADLINE).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static SSLContext trustOnly(TlsMaterial tls) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(tls.caCertFile())) {
            trust.setCertificateEntry("ca",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
