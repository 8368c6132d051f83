package org.calicostartup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Real etcd 3.4 server processes on free 127.0.0.1 ports with temporary data directories and the v2 API enabled:
 * one member or several, plain or TLS with client-certificate authentication. Closing it kills every member and
 * deletes every file it made.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.builder().members(3).tls(true).start()) {
 *     etcd.member(0).kill();
 *     ...
 * }
 * }</pre>
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final List<EtcdMember> members;
    private final Optional<TlsMaterial> tls;
    private final HttpClient http;
    private final Optional<PeerNamespace> namespace;

    private EtcdCluster(Path workDir, List<EtcdMember> members, Optional<TlsMaterial> tls,
            Optional<PeerNamespace> namespace) {
        this.namespace = namespace;
        this.workDir = workDir;
        this.members = List.copyOf(members);
        this.tls = tls;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        tls.ifPresent(t -> builder.sslContext(t.clientContext(false)));
        this.http = builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A single plain-text member. */
    public static EtcdCluster single() {
        return builder().start();
    }

    public List<EtcdMember> members() {
        return members;
    }

    public EtcdMember member(int index) {
        return members.get(index);
    }

    /** Client URLs of all members, in order. */
    public List<URI> clientUris() {
        return members.stream().map(EtcdMember::clientUri).toList();
    }

    /** Client URLs as {@code ETCD_ENDPOINTS} takes them. */
    public String endpoints() {
        return String.join(",", clientUris().stream().map(URI::toString).toList());
    }

    public Optional<TlsMaterial> tls() {
        return tls;
    }

    /**
     * calico-node environment variables that point at this cluster: {@code ETCD_ENDPOINTS} and, for TLS, the CA and
     * client certificate files.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ETCD_ENDPOINTS", endpoints());
        tls.ifPresent(t -> {
            env.put("ETCD_CA_CERT_FILE", t.caCertFile().toString());
            env.put("ETCD_CERT_FILE", t.clientCertFile().toString());
            env.put("ETCD_KEY_FILE", t.clientKeyFile().toString());
        });
        return env;
    }

    /**
     * An HTTP client that trusts this cluster's CA (and presents the client certificate if it is TLS); it does not
     * verify host names, so a cluster started with deliberately wrong {@code serverNames} can still be managed.
     */
    public HttpClient httpClient() {
        return http;
    }

    /** Waits until every running member reports itself healthy (it has a leader and can serve). */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (EtcdMember member : members) {
            if (!member.isRunning()) {
                continue;
            }
            while (!isHealthy(member)) {
                if (!member.isRunning()) {
                    throw new IllegalStateException("etcd member " + member + " exited:\n" + member.logTail(30));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd member " + member + " not healthy after " + timeout
                            + ":\n" + member.logTail(30));
                }
                sleep(Duration.ofMillis(50));
            }
        }
    }

    /** Whether {@code GET /health} on the member answers {@code "health":"true"}. */
    public boolean isHealthy(EtcdMember member) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(member.clientUri().resolve("/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode health = JSON.readTree(response.body()).path("health");
            return health.asText().equals("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Cuts the first member off from the others (a network partition; clients still reach it) and returns once the
     * partition has settled: the first member reports that it has no leader, every other one that it has one (if
     * the first member led, the others have elected a new leader). Only for a cluster built with
     * {@link Builder#firstMemberPartitionable()}.
     */
    public void cutOffFirstMember() {
        partitionable().cut(members.get(0).clientPort());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (isHealthy(members.get(0)) || !members.stream().skip(1).allMatch(this::isHealthy)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partition of etcd member " + members.get(0) + " did not settle "
                        + "within " + START_TIMEOUT + ":\n" + logTails(30));
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Ends {@link #cutOffFirstMember}. */
    public void reconnectFirstMember() {
        partitionable().heal();
    }

    private PeerNamespace partitionable() {
        return namespace.orElseThrow(() -> new IllegalStateException(
                "built without firstMemberPartitionable(): " + this));
    }

    /** Every member's last log lines, for a failing test's report. */
    public String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        for (EtcdMember member : members) {
            out.append("----- etcd ").append(member).append(" (").append(member.logFile()).append(")\n")
                    .append(member.logTail(lines)).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        members.forEach(EtcdMember::dispose);
        namespace.ifPresent(PeerNamespace::close);
        deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "EtcdCluster" + members + (tls.isPresent() ? " (TLS)" : "");
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    /** How many members, and whether clients must use TLS with a client certificate. */
    public static final class Builder {
        private int members = 1;
        private boolean tls;
        private String[] serverNames = {"127.0.0.1", "localhost"};
        private boolean perMemberCertificates;
        private boolean firstMemberPartitionable;
        private List<String> extraArguments = List.of();

        private Builder() {
        }

        /** More command-line flags for every member, e.g. {@code --auth-token-ttl=1}. */
        public Builder extraArguments(String... flags) {
            this.extraArguments = List.of(flags);
            return this;
        }

        /**
         * Each member listens on its own loopback address (127.0.0.1, 127.0.0.2, ...) and serves a certificate valid
         * for that address only, as clusters with per-member certificates do (implies TLS).
         */
        public Builder perMemberCertificates() {
            this.perMemberCertificates = true;
            this.tls = true;
            return this;
        }

        /**
         * The first member runs in its own network namespace (the others listen on this host's end of the link to
         * it), so that {@link EtcdCluster#cutOffFirstMember} can partition it from the others while clients still
         * reach it. Plain text only; needs root, {@code ip} and {@code iptables}.
         */
        public Builder firstMemberPartitionable() {
            this.firstMemberPartitionable = true;
            return this;
        }

        public Builder members(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("members: " + count);
            }
            this.members = count;
            return this;
        }

        /** Serve clients over TLS and require a client certificate signed by the generated CA. */
        public Builder tls(boolean enabled) {
            this.tls = enabled;
            return this;
        }

        /** The names the server certificate is valid for (default 127.0.0.1 and localhost). */
        public Builder serverNames(String... names) {
            this.serverNames = names.clone();
            return this;
        }

        /** Starts the members and waits until all are healthy; retries on other ports if one was taken. */
        public EtcdCluster start() {
            Path binary = EtcdBinary.find();
            IllegalStateException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                EtcdCluster cluster = launch(binary);
                try {
                    cluster.awaitHealthy(START_TIMEOUT);
                    for (EtcdMember member : cluster.members) {
                        if (!member.isRunning()) {
                            throw new IllegalStateException("etcd member " + member + " exited at start:\n"
                                    + member.logTail(30));
                        }
                    }
                    return cluster;
                } catch (IllegalStateException e) {
                    boolean portTaken = cluster.members.stream().anyMatch(EtcdMember::failedToBind);
                    last = new IllegalStateException(e.getMessage() + "\n" + cluster.logTails(40), e);
                    cluster.close();
                    if (!portTaken) {
                        break;
                    }
                }
            }
            throw last;
        }

        private EtcdCluster launch(Path binary) {
            if (firstMemberPartitionable && (tls || members < 2 || EtcdBackend.fromSystemProperties().container())) {
                throw new IllegalStateException("a partitionable first member needs two members or more, plain "
                        + "text and etcd processes on this host");
            }
            Path workDir;
            try {
                workDir = Files.createTempDirectory("calico-startup-etcd-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for etcd", e);
            }
            Optional<TlsMaterial> material = tls ? Optional.of(TlsMaterial.generate(workDir.resolve("tls"),
                    serverNames)) : Optional.empty();
            Optional<PeerNamespace> namespace = firstMemberPartitionable ? Optional.of(PeerNamespace.create())
                    : Optional.empty();
            List<EtcdMember> list = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                String host = perMemberCertificates ? "127.0.0." + (i + 1)
                        : namespace.map(PeerNamespace::outsideAddress).orElse("127.0.0.1");
                Optional<Path[]> own = perMemberCertificates
                        ? Optional.of(material.orElseThrow().writeServer(workDir.resolve("tls-m" + i), host))
                        : Optional.empty();
                if (i == 0 && namespace.isPresent()) {
                    list.add(new EtcdMember("m0", namespace.get().insideAddress(), FreePorts.next(),
                            FreePorts.next(), workDir, material, own, namespace.get().exec()));
                } else {
                    list.add(new EtcdMember("m" + i, host, FreePorts.next(), FreePorts.next(), workDir, material,
                            own));
                }
            }
            String initialCluster = String.join(",", list.stream().map(m -> m.name() + "=" + m.peerUri()).toList());
            String token = "calico-startup-" + UUID.randomUUID();
            EtcdCluster cluster = new EtcdCluster(workDir, list, material, namespace);
            list.forEach(m -> m.launch(binary, initialCluster, token, extraArguments));
            return cluster;
        }
    }
}
