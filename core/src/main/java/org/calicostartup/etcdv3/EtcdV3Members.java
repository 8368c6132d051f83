package org.calicostartup.etcdv3;

import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.grpc.CallCredentials;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.Credentials;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.config.TlsFiles;
import org.calicostartup.internal.PemTls;

/**
 * One gRPC channel per etcd member, each with that member's own TLS authority (its host, as etcdctl verifies it),
 * an HTTP/2 window sized for bulk reads, and etcd's auth token as call credentials. Calls go to the member that last
 * answered; {@link #failover} moves on to the next.
 */
final class EtcdV3Members implements AutoCloseable {

    /**
     * Largest response accepted. 10,000 nodes of ~1 KB are ~10 MiB; one range keeps the whole cluster in one round
     * trip, where paging at a fixed revision would cost one round trip per page.
     */
    static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
    /**
     * Initial HTTP/2 flow-control window, per stream and connection; automatic growth stays on. gRPC's default of
     * 1 MiB makes a 5 MB answer cross a 217 ms link in several round trips, each waiting for a window update.
     */
    static final int INITIAL_WINDOW_BYTES = 32 * 1024 * 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EtcdV3Members.class);
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    /** etcd's rpctypes.MetadataRequireLeaderKey. */
    private static final Metadata.Key<String> REQUIRE_LEADER = Metadata.Key.of("hasleader",
            Metadata.ASCII_STRING_MARSHALLER);

    private final List<Member> members;
    private final EventLoopGroup eventLoop;
    private final ExecutorService grpcThreads;
    private final AtomicInteger current = new AtomicInteger();
    private final DatastoreConfig config;
    /** etcd's auth token, once authenticated; null without credentials or before the first call. */
    private volatile String token;

    /** A member: its endpoint and the channel to it. */
    record Member(URI endpoint, ManagedChannel channel) {
    }

    private EtcdV3Members(List<Member> members, EventLoopGroup eventLoop, ExecutorService grpcThreads,
            DatastoreConfig config) {
        this.members = members;
        this.eventLoop = eventLoop;
        this.grpcThreads = grpcThreads;
        this.config = config;
    }

    /** Builds the channels; they connect on their first call. TLS files are loaded (and checked) here. */
    static EtcdV3Members open(DatastoreConfig config) {
        boolean tls = config.tls().isPresent() || config.endpoints().stream().anyMatch(
                e -> "https".equalsIgnoreCase(e.getScheme()));
        SslContext ssl = tls ? sslContext(config.tls()) : null;
        int connectMillis = (int) Math.max(10, Math.min(Integer.MAX_VALUE,
                config.requestTimeout().toMillis() / config.endpoints().size()));
        // One I/O thread of our own (NIO: no native transport needed), shut down with the connection. gRPC's shared
        // event loop would outlive it by a second, its threads inside epoll_wait, and the JVM waits up to 300 ms at
        // exit for threads in native code. (gRPC still probes for epoll when its classes load, unpacking Netty's
        // library, unless io.grpc.netty.shaded.io.netty.transport.noNative is set: the agent sets it, see its Main.)
        EventLoopGroup eventLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("calico-startup-etcd", true));
        // Our own threads for what gRPC runs off the I/O thread (resolving the member's name, and the callbacks of
        // calls that bring no executor of their own: the watch), made when first needed and ended with the
        // connection. gRPC's shared pool would be made at once, naming its threads through String.format, whose
        // first %d loads the locale's number formats (~5 ms of a cold start).
        ExecutorService grpcThreads = Executors.newCachedThreadPool(new DefaultThreadFactory("calico-startup-grpc",
                true));
        List<Member> members = new ArrayList<>();
        for (URI endpoint : config.endpoints()) {
            // The member's host and port as gRPC names them (an IPv6 literal keeps its brackets), with the resolver
            // named: a target without a scheme is first tried as a URI, which an address is not.
            String target = "dns:///" + endpoint.getHost() + ":" + (endpoint.getPort() < 0 ? 2379
                    : endpoint.getPort());
            NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target)
                    .executor(grpcThreads)
                    .offloadExecutor(grpcThreads)
                    .initialFlowControlWindow(INITIAL_WINDOW_BYTES)
                    .maxInboundMessageSize(MAX_RESPONSE_BYTES)
                    .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                    .keepAliveTime(30, TimeUnit.SECONDS)
                    .keepAliveTimeout(10, TimeUnit.SECONDS)
                    .userAgent("calico-startup")
                    .eventLoopGroup(eventLoop)
                    .channelType(NioSocketChannel.class);
            if (ssl != null) {
                builder.sslContext(ssl);
            } else {
                builder.usePlaintext();
            }
            // No OpenCensus on the class path: with tracing on, gRPC looks for its classes at every channel it builds
            // (for the stats classes it looks once, when it loads).
            InternalNettyChannelBuilder.setStatsEnabled(builder, false);
            InternalNettyChannelBuilder.setTracingEnabled(builder, false);
            members.add(new Member(endpoint, builder.build()));
        }
        // Connect to the first member now, on the I/O thread, while the caller detects addresses.
        members.get(0).channel().getState(true);
        return new EtcdV3Members(members, eventLoop, grpcThreads, config);
    }

    private static SslContext sslContext(java.util.Optional<TlsFiles> files) {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (files.isEmpty()) {
            return build(builder, null);
        }
        TlsFiles tls = files.get();
        builder.trustManager(PemTls.certificates(tls.caCertFile(), "ETCD_CA_CERT_FILE")
                .toArray(new X509Certificate[0]));
        if (tls.hasClientCertificate()) {
            builder.keyManager(PemTls.privateKey(tls.keyFile().orElseThrow()), PemTls.certificates(
                    tls.certFile().orElseThrow(), "ETCD_CERT_FILE").toArray(new X509Certificate[0]));
        }
        return build(builder, tls);
    }

    private static SslContext build(SslContextBuilder builder, TlsFiles tls) {
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new StartupException(Reason.CONFIGURATION, "Cannot use the etcd TLS files"
                    + (tls == null ? "" : " (ETCD_CA_CERT_FILE=" + tls.caCertFile()
                    + tls.certFile().map(f -> ", ETCD_CERT_FILE=" + f).orElse("")
                    + tls.keyFile().map(f -> ", ETCD_KEY_FILE=" + f).orElse("") + ")")
                    + ": " + StartupException.causes(e), e);
        }
    }

    int size() {
        return members.size();
    }

    /** The member calls go to now. */
    Member current() {
        return members.get(Math.floorMod(current.get(), members.size()));
    }

    /**
     * After {@code failed} did not answer: the next member takes the calls. A channel that failed to connect is told
     * to try again at once when its turn comes, instead of after gRPC's reconnect backoff (1 s and growing).
     */
    void failover(Member failed) {
        int index = members.indexOf(failed);
        current.compareAndSet(index, index + 1);
        Member next = current();
        if (next.channel().getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            next.channel().resetConnectBackoff();
        }
    }

    /**
     * What every call carries: etcd's token, once {@link #authenticate} got it, and etcd's {@code hasleader: true}
     * (what clientv3's {@code WithRequireLeader} sends), so that a member without a leader — cut off from the others
     * — answers "etcdserver: no leader" at once, and the call moves on to the next member, instead of holding the
     * call until a timeout, and a watch on it is cancelled when it loses its leader.
     */
    CallCredentials credentials() {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(REQUIRE_LEADER, "true");
                String current = token;
                if (current != null) {
                    headers.put(TOKEN, current);
                }
                applier.apply(headers);
            }
        };
    }

    /** Whether calls must carry a token that is not there yet. */
    boolean needsToken() {
        return config.credentials().isPresent() && token == null;
    }

    /**
     * Authenticates with etcd (one round trip to {@code member}, not counted as a startup round trip: it happens
     * once per connection and again only when etcd expired the token).
     */
    void authenticate(Member member, Duration timeout) {
        Credentials credentials = config.credentials().orElseThrow();
        // With the calls' metadata (no token yet: only hasleader), so that a member without a leader says so at once.
        token = AuthGrpc.newBlockingStub(member.channel()).withCallCredentials(credentials())
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .authenticate(AuthenticateRequest.newBuilder().setName(credentials.username())
                        .setPassword(credentials.password()).build())
                .getToken();
    }

    /** Forgets an expired token; the next call authenticates again. */
    void tokenExpired() {
        token = null;
    }

    @Override
    public void close() {
        long start = System.nanoTime();
        for (Member member : members) {
            member.channel().shutdownNow();
        }
        for (Member member : members) {
            try {
                member.channel().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        grpcThreads.shutdownNow();
        LOG.debug("Closed the channels to {} in {} ms", config.endpointList(),
                (System.nanoTime() - start) / 1_000_000);
    }
}
