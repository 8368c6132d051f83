package org.calicostartup.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The latency proxy in front of a real etcd and an echo server. Timings are asserted only as lower bounds (the proxy
 * must add at least what it claims); counts are exact.
 */
class LatencyProxyTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration RTT = Duration.ofMillis(200);

    @Test
    void everyRequestResponseExchangeTakesAtLeastTheRoundTrip(EtcdCluster etcd) throws Exception {
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), RTT)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI version = proxy.uri("http").resolve("/version");
            int requests = 3;
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(version).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertTrue(response.body().contains("etcdserver"));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(RTT.multipliedBy(requests)) >= 0, "3 sequential exchanges took " + elapsed);
            assertEquals(1, proxy.connections(), "HTTP keep-alive reuses one proxied connection");
            assertTrue(proxy.bytesToTarget() > 0 && proxy.bytesFromTarget() > proxy.bytesToTarget());
        }
    }

    @Test
    void zeroDelayForwardsTransparently(EtcdCluster etcd) throws Exception {
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ZERO)) {
            EtcdV2 v2 = new EtcdV2(HttpClient.newHttpClient());
            v2.put(proxy.uri("http"), "/calico/test/proxied", "yes");
            assertEquals("yes", v2.get(etcd.member(0).clientUri(), "/calico/test/proxied").path("node")
                    .path("value").asText());
        }
    }

    @Test
    void keepsByteOrderAndCountsEveryByte() throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(payload);
        try (EchoServer echo = new EchoServer();
                LatencyProxy proxy = LatencyProxy.start(echo.address(), Duration.ofMillis(20));
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(socket));
            OutputStream out = socket.getOutputStream();
            for (int offset = 0; offset < payload.length; offset += 1000) {
                out.write(payload, offset, Math.min(1000, payload.length - offset));
            }
            socket.shutdownOutput();
            assertArrayEquals(payload, received.get(30, TimeUnit.SECONDS));
            assertEquals(payload.length, proxy.bytesToTarget());
            assertEquals(payload.length, proxy.bytesFromTarget());
            assertEquals(1, proxy.connections());
        }
    }

    @Test
    void stallHoldsEverythingUntilResumed(EtcdCluster etcd) throws Exception {
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ZERO)) {
            proxy.stall();
            CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(proxy.uri("http").resolve("/version")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThrows(TimeoutException.class, () -> response.get(500, TimeUnit.MILLISECONDS));
            assertEquals(0, proxy.bytesToTarget(), "nothing reached etcd while stalled");
            proxy.resume();
            assertEquals(200, response.get(10, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void dropConnectionsBreaksInFlightExchangesButAcceptsNewOnes(EtcdCluster etcd) throws Exception {
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ZERO);
                Socket raw = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            proxy.stall();
            raw.getOutputStream().write("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
            while (proxy.connections() == 0) {
                Thread.sleep(10);
            }
            proxy.dropConnections();
            proxy.resume();
            raw.setSoTimeout(10_000);
            byte[] answer = readAllOrReset(raw);
            assertEquals(0, answer.length, "no response after the connection was dropped");
            HttpResponse<String> fresh = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    proxy.uri("http").resolve("/version")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, fresh.statusCode());
            assertEquals(2, proxy.connections());
        }
    }

    private static byte[] readAllOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().readAllBytes();
        } catch (java.net.SocketException reset) {
            return new byte[0];
        }
    }

    @Test
    void tlsPassesThroughUntouched() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().tls(true).start();
                LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ofMillis(50))) {
            EtcdV2 v2 = new EtcdV2(etcd.httpClient());
            v2.put(proxy.uri("https"), "/calico/test/tls", "through");
            assertEquals("through", v2.get(proxy.uri("https"), "/calico/test/tls").path("node").path("value")
                    .asText());
        }
    }

    @Test
    void roundTripCanChangeWhileRunning(EtcdCluster etcd) {
        try (LatencyProxy proxy = LatencyProxy.start(etcd.member(0).clientUri(), Duration.ofMillis(217))) {
            assertEquals(Duration.ofMillis(217), proxy.roundTrip());
            proxy.setRoundTrip(Duration.ofMillis(50));
            assertEquals(Duration.ofMillis(50), proxy.roundTrip());
            assertThrows(IllegalArgumentException.class, () -> proxy.setRoundTrip(Duration.ofMillis(-1)));
            assertFalse(proxy.roundTrip().isNegative());
        }
    }

    private static byte[] readAll(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Echoes every byte back and half-closes when the client does. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;

        EchoServer() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getInputStream().transferTo(socket.getOutputStream());
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // test over
                }
            }, "echo");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
