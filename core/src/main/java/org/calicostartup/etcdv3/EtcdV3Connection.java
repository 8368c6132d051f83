package org.calicostartup.etcdv3;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.config.TlsFiles;
import org.calicostartup.internal.PemTls;
import org.calicostartup.spi.Deadline;
import org.calicostartup.spi.IoStats;

/**
 * calico-startup's only door to etcd v3. Every call carries a deadline (the per-request timeout, or less when the
 * startup deadline is nearer), is counted in {@link IoStats}, and has its failure translated here, in one place,
 * into a {@link StartupException} that names the endpoints and the elapsed time.
 */
final class EtcdV3Connection implements AutoCloseable {

    /**
     * Largest response accepted. jetcd's default of 4 MiB breaks a single-range read of a few thousand nodes
     * (10,000 nodes of ~1 KB are ~10 MiB); raising the limit keeps the whole cluster in one round trip, where paging
     * at a fixed revision would cost one round trip per page.
     */
    static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    /** What a failed TLS handshake looks like by the time gRPC reports it. */
    private static final java.util.regex.Pattern TLS_FAILURE = java.util.regex.Pattern.compile(
            "io exception$|PKIX|SSL|[Cc]ertificate|handshake|subject alternative", java.util.regex.Pattern.MULTILINE);

    private final Client client;
    private final KV kv;
    private final DatastoreConfig config;
    /** Set once etcd said the role may not touch the IP claims; later startups on this connection skip them. */
    private final java.util.concurrent.atomic.AtomicBoolean claimsDenied =
            new java.util.concurrent.atomic.AtomicBoolean();

    private EtcdV3Connection(Client client, DatastoreConfig config) {
        this.client = client;
        this.kv = client.getKVClient();
        this.config = config;
    }

    /** Builds the client; jetcd connects on the first call. TLS files are loaded (and checked) here. */
    static EtcdV3Connection open(DatastoreConfig config) {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(new java.net.URI[0]))
                .maxInboundMessageSize(MAX_RESPONSE_BYTES)
                .connectTimeout(config.requestTimeout())
                // jetcd's retry policy (Failsafe) needs 0 < delay < maxDelay and delay < maxDuration: derived from
                // the request timeout so that every timeout the configuration accepts is one jetcd accepts.
                .retryChronoUnit(java.time.temporal.ChronoUnit.MILLIS)
                .retryDelay(retryDelayMillis(config.requestTimeout()))
                .retryMaxDelay(retryMaxDelayMillis(config.requestTimeout()))
                .retryMaxDuration(config.requestTimeout())
                .keepaliveTime(Duration.ofSeconds(30))
                .keepaliveTimeout(Duration.ofSeconds(10))
                // Fail an RPC as soon as its connection attempt fails (refused, TLS handshake) instead of queueing
                // it until the deadline: the error then says why (jetcd#894).
                .waitForReady(false);
        config.credentials().ifPresent(c -> builder.user(bytes(c.username())).password(bytes(c.password())));
        // No channel-wide authority: jetcd's resolver then gives every member address its own (its host), so each
        // member's certificate is verified for that member's name, as etcdctl does (per-member certificates).
        config.tls().ifPresent(tls -> builder.sslContext(sslContext(tls)));
        return new EtcdV3Connection(builder.build(), config);
    }

    /** A tenth of the request timeout, from 1 ms to jetcd's default 500 ms. */
    static long retryDelayMillis(Duration requestTimeout) {
        return Math.max(1, Math.min(500, requestTimeout.toMillis() / 10));
    }

    /** Half the request timeout, at most jetcd's default 2.5 s, always above the delay. */
    static long retryMaxDelayMillis(Duration requestTimeout) {
        long delay = retryDelayMillis(requestTimeout);
        return Math.max(delay + 1, Math.min(2500, requestTimeout.toMillis() / 2));
    }

    private static io.netty.handler.ssl.SslContext sslContext(TlsFiles tls) {
        SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(
                PemTls.certificates(tls.caCertFile(), "ETCD_CA_CERT_FILE").toArray(new X509Certificate[0]));
        if (tls.hasClientCertificate()) {
            builder.keyManager(PemTls.privateKey(tls.keyFile().orElseThrow()), PemTls.certificates(
                    tls.certFile().orElseThrow(), "ETCD_CERT_FILE").toArray(new X509Certificate[0]));
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new StartupException(Reason.CONFIGURATION, "Cannot use the etcd TLS files (ETCD_CA_CERT_FILE="
                    + tls.caCertFile() + tls.certFile().map(f -> ", ETCD_CERT_FILE=" + f).orElse("")
                    + tls.keyFile().map(f -> ", ETCD_KEY_FILE=" + f).orElse("") + "): " + StartupException.causes(e),
                    e);
        }
    }

    /** Calls made on behalf of one startup: bounded by its deadline and counted in its statistics. */
    Session session(IoStats stats, Deadline deadline) {
        return new Session(stats, deadline);
    }

    final class Session {
        private final IoStats stats;
        private final Deadline deadline;

        private Session(IoStats stats, Deadline deadline) {
            this.stats = stats;
            this.deadline = deadline;
        }

        /** One read-only or conditional transaction, one round trip. */
        TxnResponse txn(String what, List<Cmp> conditions, List<Op> then, List<Op> otherwise) {
            TxnResponse response = call(what, () -> kv.txn()
                    .If(conditions.toArray(new Cmp[0]))
                    .Then(then.toArray(new Op[0]))
                    .Else(otherwise.toArray(new Op[0]))
                    .commit());
            countReads(response);
            return response;
        }

        /** One linearizable range read (a key, or a prefix), one round trip. */
        GetResponse get(String what, String key, boolean prefix) {
            GetResponse response = call(what, () -> kv.get(bytes(key), GetOption.builder().isPrefix(prefix).build()));
            countReads(response);
            return response;
        }

        /** How many keys a prefix holds, without reading them. */
        long count(String what, String prefix) {
            return call(what, () -> kv.get(bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true)
                    .build())).getCount();
        }

        private <T> T call(String what, Supplier<CompletableFuture<T>> request) {
            Duration timeout = deadline.forCall(config.requestTimeout(), what);
            long start = System.nanoTime();
            CompletableFuture<T> future = request.get();
            stats.roundTrip(1);
            try {
                T result = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                stats.progress();
                return result;
            } catch (TimeoutException e) {
                future.cancel(true);
                throw Deadline.noAnswer(config.endpointList(), what, timeout, e);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new StartupException(Reason.INTERNAL, "Interrupted while waiting for etcd (" + what + ")", e);
            } catch (ExecutionException | CompletionException e) {
                throw translate(e.getCause() == null ? e : e.getCause(), what,
                        Duration.ofNanos(System.nanoTime() - start));
            }
        }

        private void countReads(TxnResponse response) {
            response.getGetResponses().forEach(this::countReads);
            response.getTxnResponses().forEach(this::countReads);
        }

        private void countReads(GetResponse response) {
            long bytes = 0;
            for (KeyValue kv : response.getKvs()) {
                bytes += kv.getKey().size() + kv.getValue().size();
            }
            stats.read(bytes, response.getKvs().size());
        }
    }

    /** Whether IP claims may be used on this connection (etcd has not refused them). */
    boolean claimsPermitted() {
        return !claimsDenied.get();
    }

    /**
     * Records that etcd refused a request touching the claims because the role lacks permission; true the first
     * time (so that it is said once per connection).
     */
    boolean denyClaims() {
        return claimsDenied.compareAndSet(false, true);
    }

    /** Whether etcd refused a request because the role may not touch a key (not a bad password or token). */
    static boolean permissionDenied(StartupException failure) {
        Throwable cause = failure.getCause();
        if (cause instanceof EtcdException etcd) {
            return etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.PERMISSION_DENIED;
        }
        return failure.reason() == Reason.UNAUTHORIZED
                && failure.getMessage().toLowerCase(Locale.ROOT).contains("permission denied");
    }

    /** The single place where jetcd and gRPC failures become calico-startup's. */
    private StartupException translate(Throwable failure, String what, Duration elapsed) {
        Reason reason = Reason.INTERNAL;
        Status.Code code = null;
        if (failure instanceof EtcdException etcd) {
            code = Status.Code.valueOf(etcd.getErrorCode().name());
        } else if (failure instanceof StatusRuntimeException grpc) {
            code = grpc.getStatus().getCode();
        }
        String message = StartupException.causes(failure);
        String lower = message.toLowerCase(Locale.ROOT);
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED
                || lower.contains("authentication failed") || lower.contains("permission denied")
                || lower.contains("invalid auth token") || lower.contains("user name is empty")) {
            reason = Reason.UNAUTHORIZED;
        } else if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.CANCELLED || failure instanceof java.io.IOException) {
            reason = Reason.DATASTORE_UNAVAILABLE;
        }
        String prefix = reason == Reason.UNAUTHORIZED ? "etcd at " + config.endpointList() + " refused "
                + (config.credentials().isPresent() ? "user " + config.credentials().get().username()
                        : "the client") + " (unauthorized) for " : "etcd at " + config.endpointList() + " failed ";
        String hint = reason == Reason.DATASTORE_UNAVAILABLE && config.tls().isPresent()
                && TLS_FAILURE.matcher(message).find() ? " (with https:// endpoints this is usually a failed TLS "
                        + "handshake: check that ETCD_CA_CERT_FILE=" + config.tls().get().caCertFile() + " signed "
                        + "etcd's server certificate, that the certificate is valid for the endpoint's host, and that "
                        + "etcd accepts ETCD_CERT_FILE" + config.tls().get().certFile().map(f -> "=" + f).orElse("")
                        + ")" : "";
        return new StartupException(reason, prefix + what + " after " + elapsed.toMillis() + " ms: " + message
                + hint, failure);
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static ByteSequence bytes(byte[] raw) {
        return ByteSequence.from(raw);
    }

    @Override
    public void close() {
        client.close();
    }
}
