package org.calicostartup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that adds latency: every byte is held for half the configured round-trip time in each
 * direction, so a request and its response take one extra RTT. Bytes keep their order and are forwarded as soon as
 * they are due, so throughput is not throttled: a stream in flight is delayed, not slowed. The proxy can stall
 * (hold every byte until resumed), drop all connections, and counts connections and bytes.
 *
 * <p>The kernel on these machines has no netem; this stands in for it in tests and benchmarks.
 */
public final class LatencyProxy implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;
    private static final byte[] END_OF_STREAM = new byte[0];

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object stallLock = new Object();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytesToTarget = new AtomicLong();
    private final AtomicLong bytesFromTarget = new AtomicLong();
    private volatile long oneWayNanos;
    private volatile boolean stalled;
    private volatile boolean closed;

    private LatencyProxy(InetSocketAddress target, Duration roundTrip) throws IOException {
        this.target = Objects.requireNonNull(target, "target");
        setRoundTrip(roundTrip);
        this.server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "latency-proxy-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Starts a proxy to {@code target} adding {@code roundTrip} to every request/response exchange. */
    public static LatencyProxy start(InetSocketAddress target, Duration roundTrip) {
        try {
            return new LatencyProxy(target, roundTrip);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a latency proxy to " + target, e);
        }
    }

    /** Starts a proxy to the host and port of {@code uri}. */
    public static LatencyProxy start(URI uri, Duration roundTrip) {
        return start(new InetSocketAddress(uri.getHost(), uri.getPort()), roundTrip);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The proxy's address with the scheme of {@code original}: {@code http://127.0.0.1:<proxy port>}. */
    public URI uri(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + port());
    }

    /** Changes the added round-trip time; bytes already in flight keep their old due time. */
    public void setRoundTrip(Duration roundTrip) {
        if (roundTrip.isNegative()) {
            throw new IllegalArgumentException("negative round trip " + roundTrip);
        }
        this.oneWayNanos = roundTrip.toNanos() / 2;
    }

    public Duration roundTrip() {
        return Duration.ofNanos(oneWayNanos * 2);
    }

    /** Holds every byte, in both directions, until {@link #resume()}; connections stay open. */
    public void stall() {
        stalled = true;
    }

    public void resume() {
        synchronized (stallLock) {
            stalled = false;
            stallLock.notifyAll();
        }
    }

    /** Closes every proxied connection abruptly, as a network failure would; new connections are still accepted. */
    public void dropConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    public long connections() {
        return connections.get();
    }

    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    public long bytesFromTarget() {
        return bytesFromTarget.get();
    }

    @Override
    public void close() {
        closed = true;
        resume();
        closeQuietly(server);
        dropConnections();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            // Counted once registered, so a caller that sees the count can also drop the connection.
            String name = "latency-proxy-" + port() + "-" + connections.incrementAndGet();
            pipe(client, upstream, bytesToTarget, name + "-up");
            pipe(upstream, client, bytesFromTarget, name + "-down");
        }
    }

    /** One direction: a reader stamps each chunk with its due time, a writer sends it when due. */
    private void pipe(Socket from, Socket to, AtomicLong counter, String name) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[CHUNK];
            try {
                // Not try-with-resources: closing a socket's stream closes the socket, and the other direction
                // may still be sending.
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + oneWayNanos));
                }
            } catch (IOException e) {
                // connection closed or dropped
            }
            queue.add(new Chunk(END_OF_STREAM, System.nanoTime() + oneWayNanos));
        }, name + "-read");
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    waitUntil(chunk.due());
                    if (chunk.data() == END_OF_STREAM) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(chunk.data());
                    out.flush();
                    counter.addAndGet(chunk.data().length);
                }
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (from.isClosed() || to.isClosed() || (from.isInputShutdown() && to.isOutputShutdown())) {
                    sockets.remove(from);
                    sockets.remove(to);
                }
            }
        }, name + "-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void waitUntil(long dueNanos) throws InterruptedException {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        synchronized (stallLock) {
            while (stalled && !closed) {
                stallLock.wait();
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private record Chunk(byte[] data, long due) {
    }
}
