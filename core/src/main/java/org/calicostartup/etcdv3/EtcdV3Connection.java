package org.calicostartup.etcdv3;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ConnectivityState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.spi.Deadline;
import org.calicostartup.spi.IoStats;

/**
 * calico-startup's only door to etcd v3, on gRPC channels it builds itself ({@link EtcdV3Members}). Every call
 * carries a deadline (the per-request timeout, or less when the startup deadline is nearer), is counted in
 * {@link IoStats}, goes to the next member when one cannot be reached, waits (within its deadline) while etcd has no
 * leader, and has its failure translated here, in one
 * place, into a {@link StartupException} that names the endpoints and the elapsed time.
 */
final class EtcdV3Connection implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EtcdV3Connection.class);

    /** What a failed TLS handshake looks like by the time gRPC reports it. */
    private static final Pattern TLS_FAILURE = Pattern.compile(
            "io exception$|PKIX|SSL|[Cc]ertificate|handshake|subject alternative", Pattern.MULTILINE);
    /** The longest pause between two rounds over unavailable members. */
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final EtcdV3Members members;
    private final DatastoreConfig config;
    /** Set once etcd said the role may not touch the IP claims; later startups on this connection skip them. */
    private final AtomicBoolean claimsDenied = new AtomicBoolean();

    private EtcdV3Connection(EtcdV3Members members, DatastoreConfig config) {
        this.members = members;
        this.config = config;
    }

    /** Builds the channels; they connect on the first call. TLS files are loaded (and checked) here. */
    static EtcdV3Connection open(DatastoreConfig config) {
        return new EtcdV3Connection(EtcdV3Members.open(config), config);
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
        V3Response.Txn txn(String what, List<Cmp> conditions, List<Op> then, List<Op> otherwise) {
            return txn(what, 1, conditions, then, otherwise);
        }

        /**
         * A transaction sent in the same round trip as {@code requests - 1} other requests already on their way (a
         * watch): they count as requests, not as round trips.
         */
        V3Response.Txn txn(String what, int requests, List<Cmp> conditions, List<Op> then, List<Op> otherwise) {
            TxnRequest request = V3Wire.txn(conditions, then, otherwise);
            V3Response.Txn response = V3Wire.txn(call(what, 1, requests - 1, stub -> stub.txn(request)));
            countReads(response);
            return response;
        }

        /**
         * Several transactions sent together, one round trip: each is evaluated on its own (at its own revision), and
         * the answers come back in their order. Used where one request cannot say what is wanted without a nested
         * transaction, which etcd would take for a write: a raft proposal, applied on every member in turn
         * ({@code isTxnReadonly} looks at the top level only, {@code etcdserver/v3_server.go} @v3.4.23).
         */
        List<V3Response.Txn> txns(String what, List<Op.Txn> transactions) {
            if (transactions.size() == 1) {
                Op.Txn only = transactions.get(0);
                return List.of(txn(what, only.conditions(), only.then(), only.otherwise()));
            }
            List<TxnRequest> requests = new ArrayList<>(transactions.size());
            transactions.forEach(t -> requests.add(V3Wire.txn(t.conditions(), t.then(), t.otherwise())));
            List<TxnResponse> answers = call(what, requests.size(), 0, stub -> {
                // Answers completed on the transport's thread (nothing runs on it but completing them): no thread
                // pool for this, as a blocking call needs none.
                KVGrpc.KVFutureStub future = KVGrpc.newFutureStub(stub.getChannel())
                        .withCallCredentials(members.credentials())
                        .withDeadline(stub.getCallOptions().getDeadline())
                        .withExecutor(MoreExecutors.directExecutor());
                List<ListenableFuture<TxnResponse>> sent = new ArrayList<>(requests.size());
                requests.forEach(request -> sent.add(future.txn(request)));
                return awaitAll(sent, what);
            });
            List<V3Response.Txn> responses = new ArrayList<>(answers.size());
            for (TxnResponse answer : answers) {
                V3Response.Txn response = V3Wire.txn(answer);
                countReads(response);
                responses.add(response);
            }
            return responses;
        }

        /**
         * Opens a watch of [{@code from}, {@code to}) from {@code startRevision} on the member calls go to now; it is
         * sent at once, and its answer awaited with {@link V3Watch#changedUpTo}.
         */
        V3Watch watch(String what, String from, String to, long startRevision) {
            Duration timeout = deadline.forCall(config.requestTimeout(), what);
            EtcdV3Members.Member member = members.current();
            try {
                if (members.needsToken()) {
                    members.authenticate(member, timeout);
                }
            } catch (StatusRuntimeException e) {
                throw translate(e, what, Duration.ZERO);
            }
            return V3Watch.open(member.endpoint(), member.channel(), members.credentials(), timeout.toNanos(), from,
                    to, startRevision, stats);
        }

        /**
         * Whether calls still go to the member {@code watch} was opened on: after a failover (that member did not
         * answer) the watch is not worth waiting for.
         */
        boolean onCurrentMember(V3Watch watch) {
            return members.current().endpoint().equals(watch.endpoint());
        }

        /** One linearizable range read (a key, or a prefix), one round trip. */
        V3Response.Range get(String what, String key, boolean prefix) {
            RangeRequest request = V3Wire.range(key, prefix, false);
            V3Response.Range response = V3Wire.range(call(what, 1, 0, stub -> stub.range(request)));
            countReads(response);
            return response;
        }

        /** How many keys a prefix holds, without reading them. */
        long count(String what, String prefix) {
            RangeRequest request = V3Wire.range(prefix, true, true);
            return call(what, 1, 0, stub -> stub.range(request)).getCount();
        }

        /**
         * Sends {@code requests} requests ({@code request} does) in one round trip, beside {@code besides} others
         * already on their way (a watch), and sends them again on the next member or after a busy answer.
         */
        private <T> T call(String what, int requests, int besides, Function<KVGrpc.KVBlockingStub, T> request) {
            Duration timeout = deadline.forCall(config.requestTimeout(), what);
            long start = System.nanoTime();
            long end = start + timeout.toNanos();
            stats.roundTrip(requests + besides);
            long pause = Math.max(TimeUnit.MILLISECONDS.toNanos(1), timeout.toNanos() / 20);
            boolean reauthenticated = false;
            int unreachableMembers = 0;
            boolean resent = false;
            while (true) {
                if (resent) {
                    // Sent again (to the next member, or after etcd said it was busy): one more round trip waited for.
                    stats.roundTrip(requests);
                }
                resent = true;
                EtcdV3Members.Member member = members.current();
                // A member not connected yet gets its share of the time only: one that accepts connections but never
                // answers (frozen, overloaded) must not take the whole deadline from the others.
                boolean connected = member.channel().getState(false) == ConnectivityState.READY;
                long attempt = members.size() > 1 && !connected
                        ? Math.min(end - System.nanoTime(), timeout.toNanos() / members.size())
                        : end - System.nanoTime();
                try {
                    if (members.needsToken()) {
                        members.authenticate(member, Duration.ofNanos(attempt));
                    }
                    T result = request.apply(KVGrpc.newBlockingStub(member.channel())
                            .withCallCredentials(members.credentials())
                            .withDeadlineAfter(attempt, TimeUnit.NANOSECONDS));
                    stats.progress();
                    return result;
                } catch (StatusRuntimeException e) {
                    long left = end - System.nanoTime();
                    Next next = next(e, left, connected, reauthenticated, unreachableMembers, members.size());
                    switch (next) {
                        case AUTHENTICATE_AGAIN -> {
                            members.tokenExpired();
                            reauthenticated = true;
                        }
                        case NEXT_MEMBER_AFTER_ITS_SHARE -> {
                            unreachableMembers++;
                            LOG.warn("etcd member {} did not answer {} within {} ms; trying the next one",
                                    member.endpoint(), what, TimeUnit.NANOSECONDS.toMillis(attempt));
                            members.failover(member);
                        }
                        case NEXT_MEMBER_UNREACHABLE -> {
                            unreachableMembers++;
                            moveOn(member, "cannot be reached", e, what);
                        }
                        case NEXT_MEMBER_AFTER_A_PAUSE -> {
                            moveOn(member, "is busy", e, what);
                            sleep(Math.min(left, pause), what);
                            pause = Math.min(MAX_PAUSE_NANOS, pause * 2);
                        }
                        case NO_ANSWER -> throw Deadline.noAnswer(config.endpointList(), what, timeout, e);
                        case FAIL -> throw translate(e, what, Duration.ofNanos(System.nanoTime() - start));
                    }
                }
            }
        }

        /** Says why the call leaves {@code member}, and makes the next member the one calls go to. */
        private void moveOn(EtcdV3Members.Member member, String state, StatusRuntimeException e, String what) {
            LOG.warn("etcd member {} {} ({}) for {}; trying {}", member.endpoint(), state,
                    e.getStatus().getDescription(), what, members.size() > 1 ? "the next one" : "again");
            members.failover(member);
        }

        private void countReads(V3Response.Txn response) {
            response.gets().forEach(this::countReads);
            response.txns().forEach(this::countReads);
        }

        private void countReads(V3Response.Range response) {
            long bytes = 0;
            for (Stored kv : response.kvs()) {
                bytes += kv.key().getBytes(StandardCharsets.UTF_8).length + kv.value().length;
            }
            stats.read(bytes, response.kvs().size());
        }
    }

    /** What a call does after a failed attempt. */
    enum Next {
        /** etcd expired the token: authenticate again and send it again (once). */
        AUTHENTICATE_AGAIN,
        /** A member not connected before did not answer within its share of the time: the next member. */
        NEXT_MEMBER_AFTER_ITS_SHARE,
        /** The member cannot be reached (refused, TLS handshake failed): the next member, at once. */
        NEXT_MEMBER_UNREACHABLE,
        /** etcd answered "unavailable" itself (no leader, leader changed, request timed out): pause, next member. */
        NEXT_MEMBER_AFTER_A_PAUSE,
        /** The call's deadline ran out: say so, naming the timeout variables. */
        NO_ANSWER,
        /** Anything else: fail with etcd's answer. */
        FAIL
    }

    /**
     * The decision after an attempt failed with {@code e}, {@code leftNanos} before the call's deadline, on a member
     * that was {@code connected} before it, with {@code unreachableMembers} of {@code memberCount} already given up
     * on in this call.
     */
    static Next next(StatusRuntimeException e, long leftNanos, boolean connected, boolean reauthenticated,
            int unreachableMembers, int memberCount) {
        Status.Code code = code(e);
        if (code == Status.Code.UNAUTHENTICATED && !reauthenticated && invalidToken(e)) {
            return Next.AUTHENTICATE_AGAIN;
        }
        if (code == Status.Code.DEADLINE_EXCEEDED) {
            return leftNanos > 0 && !connected && unreachableMembers + 1 < memberCount
                    ? Next.NEXT_MEMBER_AFTER_ITS_SHARE : Next.NO_ANSWER;
        }
        if (deadlineRanOutAtEtcd(e, leftNanos)) {
            return Next.NO_ANSWER;
        }
        if (code != Status.Code.UNAVAILABLE || leftNanos <= 0) {
            return Next.FAIL;
        }
        if (fromEtcd(e)) {
            return Next.NEXT_MEMBER_AFTER_A_PAUSE;
        }
        return unreachableMembers + 1 < memberCount ? Next.NEXT_MEMBER_UNREACHABLE : Next.FAIL;
    }

    /**
     * Whether an unavailable answer came from etcd itself (no leader, leader changed, request timed out: worth
     * waiting for) rather than from failing to reach or handshake with the member (worth trying the next one once;
     * when none can be reached, the error says why at once instead of at the deadline).
     */
    private static boolean fromEtcd(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return description != null && description.startsWith("etcdserver:");
    }

    /**
     * The call's status code, with etcd's "context deadline exceeded" (the call's deadline passed at the server, where
     * etcd 3.4 returns it as UNKNOWN from some calls, e.g. {@code Authenticate}) read as the deadline it is.
     */
    static Status.Code code(StatusRuntimeException e) {
        Status status = e.getStatus();
        return status.getCode() == Status.Code.UNKNOWN && "context deadline exceeded".equals(status.getDescription())
                ? Status.Code.DEADLINE_EXCEEDED : status.getCode();
    }

    /**
     * Whether etcd's "request timed out" (also "…, possibly due to previous leader failure" or "…connection lost")
     * is this call's own deadline running out ({@code leftNanos} ≤ 0): etcd gets the deadline with the call and gives
     * up when it passes while it waits (a write not applied yet), often just before the client does.
     */
    static boolean deadlineRanOutAtEtcd(StatusRuntimeException e, long leftNanos) {
        String description = e.getStatus().getDescription();
        return leftNanos <= 0 && e.getStatus().getCode() == Status.Code.UNAVAILABLE && description != null
                && description.startsWith("etcdserver: request timed out");
    }

    private static boolean invalidToken(StatusRuntimeException e) {
        String description = e.getStatus().getDescription();
        return description != null && description.contains("invalid auth token");
    }

    /**
     * Every answer, in order; the first failure, as soon as one fails, as the status gRPC reported (the others are
     * cancelled), so that the call loop treats it as it treats a single call's.
     */
    private static <T> List<T> awaitAll(List<ListenableFuture<T>> sent, String what) {
        try {
            return Futures.allAsList(sent).get();
        } catch (ExecutionException e) {
            sent.forEach(answer -> answer.cancel(true));
            throw e.getCause() instanceof StatusRuntimeException status ? status
                    : Status.fromThrowable(e.getCause()).asRuntimeException();
        } catch (InterruptedException e) {
            sent.forEach(answer -> answer.cancel(true));
            Thread.currentThread().interrupt();
            throw new StartupException(Reason.INTERNAL, "Interrupted while waiting for etcd (" + what + ")", e);
        }
    }

    private static void sleep(long nanos, String what) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(Reason.INTERNAL, "Interrupted while waiting for etcd (" + what + ")", e);
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
        if (failure.getCause() instanceof StatusRuntimeException grpc) {
            return grpc.getStatus().getCode() == Status.Code.PERMISSION_DENIED;
        }
        return failure.reason() == Reason.UNAUTHORIZED
                && failure.getMessage().toLowerCase(Locale.ROOT).contains("permission denied");
    }

    /** The single place where gRPC failures become calico-startup's. */
    private StartupException translate(Throwable failure, String what, Duration elapsed) {
        Reason reason = Reason.INTERNAL;
        Status.Code code = null;
        if (failure instanceof StatusRuntimeException grpc) {
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
        if (message.contains("direct buffer memory")) {
            hint = " (etcd's answer is buffered in direct memory before it is decoded, about once to twice its "
                    + "size: raise -XX:MaxDirectMemorySize in CALICO_STARTUP_JAVA_OPTS; see the README, \"Memory\")";
        }
        return new StartupException(reason, prefix + what + " after " + elapsed.toMillis() + " ms: " + message
                + hint, failure);
    }

    @Override
    public void close() {
        members.close();
    }
}
