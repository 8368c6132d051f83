package org.calicostartup.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.calicostartup.StartupException;
import org.calicostartup.spi.IoStats;

/**
 * {@code /liveness} and {@code /readiness} on localhost while a startup runs, with Felix's status codes (204 good,
 * 503 bad). Liveness is good while the startup makes progress — an answer from the datastore within the stall
 * threshold — so a probe can no longer kill a startup that is slow but alive; it goes bad when the datastore has
 * said nothing for that long. Readiness is good once the node is registered.
 */
final class HealthServer implements AutoCloseable {

    private final HttpServer server;
    private final IoStats stats;
    private final Duration stallThreshold;
    private volatile boolean registered;

    HealthServer(int port, IoStats stats, Duration stallThreshold) {
        this.stats = stats;
        this.stallThreshold = stallThreshold;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Cannot serve health on 127.0.0.1:"
                    + port + " (--health-port): " + e.getMessage(), e);
        }
        server.createContext("/liveness", exchange -> answer(exchange, live(), "live"));
        server.createContext("/readiness", exchange -> answer(exchange, registered, "ready"));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "health");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void registered() {
        registered = true;
    }

    private boolean live() {
        return registered || stats.sinceProgress().compareTo(stallThreshold) < 0;
    }

    private void answer(HttpExchange exchange, boolean good, String what) throws IOException {
        byte[] body = good ? new byte[0] : (what.equals("live")
                ? "startup stalled: no answer from the datastore for " + stats.sinceProgress().toMillis() + " ms\n"
                : "node not registered yet\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(good ? 204 : 503, good ? -1 : body.length);
        if (!good) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
