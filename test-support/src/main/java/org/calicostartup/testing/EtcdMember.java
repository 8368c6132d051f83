package org.calicostartup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One etcd server process on 127.0.0.1 with its own data directory and log file. It can be stopped (SIGTERM),
 * killed (SIGKILL) and started again on the same ports and data, as a real member would be.
 */
public final class EtcdMember {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final Path logFile;
    private final Optional<TlsMaterial> tls;
    private final String host;
    private final Optional<Path[]> ownCertificate;
    private final List<String> launcher;
    private List<String> command = List.of();
    private Process process;
    private final EtcdBackend backend = EtcdBackend.fromSystemProperties();
    private ContainerMember container;

    EtcdMember(String name, int clientPort, int peerPort, Path workDir, Optional<TlsMaterial> tls) {
        this(name, "127.0.0.1", clientPort, peerPort, workDir, tls, Optional.empty());
    }

    /**
     * A member listening on {@code host} (any 127.0.0.0/8 address), serving {@code ownCertificate} ({@code [cert,
     * key]}) instead of the cluster's shared server certificate when given.
     */
    EtcdMember(String name, String host, int clientPort, int peerPort, Path workDir, Optional<TlsMaterial> tls,
            Optional<Path[]> ownCertificate) {
        this(name, host, clientPort, peerPort, workDir, tls, ownCertificate, List.of());
    }

    /** The same, run through {@code launcher} (e.g. {@code ip netns exec <name>}), which execs etcd. */
    EtcdMember(String name, String host, int clientPort, int peerPort, Path workDir, Optional<TlsMaterial> tls,
            Optional<Path[]> ownCertificate, List<String> launcher) {
        this.launcher = List.copyOf(launcher);
        this.host = host;
        this.ownCertificate = ownCertificate;
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dataDir = workDir.resolve(name + ".etcd");
        this.logFile = workDir.resolve(name + ".log");
        this.tls = tls;
    }

    public String name() {
        return name;
    }

    public int clientPort() {
        return clientPort;
    }

    /** The client URL, {@code http://127.0.0.1:<port>} (or its own address) or {@code https://...} for TLS. */
    public URI clientUri() {
        return URI.create((tls.isPresent() ? "https" : "http") + "://" + host + ":" + clientPort);
    }

    URI peerUri() {
        return URI.create("http://" + host + ":" + peerPort);
    }

    public synchronized boolean isRunning() {
        if (container != null) {
            return container.isRunning();
        }
        return process != null && process.isAlive();
    }

    /** The process id, for tests that signal it (e.g. SIGSTOP to freeze a member). */
    public synchronized long pid() {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running");
        }
        return container != null ? container.pid() : process.pid();
    }

    synchronized void launch(Path binary, String initialCluster, String clusterToken, List<String> extra) {
        List<String> args = new ArrayList<>(launcher);
        args.addAll(List.of(binary.toString(),
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUri().toString(),
                "--advertise-client-urls", clientUri().toString(),
                "--listen-peer-urls", peerUri().toString(),
                "--initial-advertise-peer-urls", peerUri().toString(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", clusterToken,
                "--enable-v2=true",
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--logger", "zap",
                "--log-outputs", "stderr"));
        tls.ifPresent(t -> args.addAll(List.of(
                "--cert-file", ownCertificate.map(c -> c[0]).orElse(t.serverCertFile()).toString(),
                "--key-file", ownCertificate.map(c -> c[1]).orElse(t.serverKeyFile()).toString(),
                "--trusted-ca-file", t.caCertFile().toString(),
                "--client-cert-auth=true")));
        args.addAll(extra);
        command = List.copyOf(args);
        start();
    }

    /** Starts the process again with the same ports, data directory and flags. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        if (backend.container()) {
            if (container != null) {
                container.remove();
            }
            container = ContainerMember.start(backend.image().orElseThrow(), command, dataDir.getParent(), logFile);
            return;
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            EtcdProcesses.register(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd member " + name + ": " + command, e);
        }
    }

    /** Graceful stop (SIGTERM), then SIGKILL if it does not exit within 10 s. */
    public synchronized void stop() {
        if (container != null) {
            container.stop();
            return;
        }
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        EtcdProcesses.unregister(process);
    }

    /** Abrupt death (SIGKILL), as a crashed machine. */
    public synchronized void kill() {
        if (container != null) {
            container.kill();
            return;
        }
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EtcdProcesses.unregister(process);
    }

    /** Kills the member for good (and removes its container, if it runs in one). */
    synchronized void dispose() {
        kill();
        if (container != null) {
            container.remove();
            container = null;
        }
    }

    /** Stop then start on the same data. */
    public void restart() {
        stop();
        start();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines etcd wrote. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** True when etcd exited because a port was taken, so the cluster can retry on other ports. */
    boolean failedToBind() {
        return !isRunning() && logTail(50).contains("address already in use");
    }

    @Override
    public String toString() {
        return name + "@" + clientUri();
    }
}
