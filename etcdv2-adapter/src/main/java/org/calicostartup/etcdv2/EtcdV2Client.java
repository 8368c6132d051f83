package org.calicostartup.etcdv2;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.spi.Deadline;
import org.calicostartup.spi.IoStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's v2 keys API over the JDK {@link HttpClient}: kept-alive connections, HTTP/2 where a TLS server offers it,
 * client certificates from PEM files, basic auth, failover to the next endpoint when one cannot be connected to (or,
 * for a read, answers with a server error: a member without a leader), a deadline on every request, and at most
 * {@link #MAX_IN_FLIGHT} requests in flight.
 */
final class EtcdV2Client implements AutoCloseable {

    static final int MAX_IN_FLIGHT = 16;
    private static final Logger LOG = LoggerFactory.getLogger(EtcdV2Client.class);
    /** The id at the end of the JDK's {@code HttpClientImpl.toString()}: {@code ...HttpClientImpl@1b2c3d(7)}. */
    private static final Pattern CLIENT_ID = Pattern.compile("\\((\\d+)\\)$");
    /** How long {@link #close} waits for the client's selector thread to end once told to. */
    private static final long STOP_WAIT_MILLIS = 1000;

    private final DatastoreConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final ExecutorService workers;
    private final AtomicInteger preferred = new AtomicInteger();
    /** Endpoints that have answered this client at least once. */
    private final java.util.Set<URI> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set once the role was found unable to write the IP claim leases; later startups skip them. */
    private final java.util.concurrent.atomic.AtomicBoolean claimsDenied =
            new java.util.concurrent.atomic.AtomicBoolean();

    EtcdV2Client(DatastoreConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
        if (config.tls().isPresent()) {
            builder.sslContext(org.calicostartup.internal.PemTls.context(config.tls().get())).version(HttpClient.Version.HTTP_2);
        } else {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        this.http = builder.build();
        this.authorization = config.credentials().map(c -> "Basic " + Base64.getEncoder().encodeToString(
                (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
        this.workers = Executors.newFixedThreadPool(MAX_IN_FLIGHT, runnable -> {
            Thread thread = new Thread(runnable, "etcdv2-client");
            thread.setDaemon(true);
            return thread;
        });
    }

    DatastoreConfig config() {
        return config;
    }

    /** One request to the v2 keys API. */
    record Request(String method, String key, Map<String, String> query, Optional<String> value) {

        static Request get(String key, boolean recursive, boolean sorted) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("quorum", "true");
            query.put("recursive", Boolean.toString(recursive));
            query.put("sorted", Boolean.toString(sorted));
            return new Request("GET", key, query, Optional.empty());
        }

        static Request put(String key, String value, Map<String, String> conditions) {
            return new Request("PUT", key, conditions, Optional.of(value));
        }

        static Request createDir(String key) {
            return new Request("PUT", key, Map.of("dir", "true", "prevExist", "false"), Optional.empty());
        }

        static Request delete(String key, Map<String, String> conditions) {
            return new Request("DELETE", key, conditions, Optional.empty());
        }

        @Override
        public String toString() {
            return method + " " + key + (query.isEmpty() ? "" : "?" + query);
        }
    }

    /** An answer: the node on success, or etcd's error code (100 not found, 101 compare failed, 105 exists ...). */
    record Response(int status, Optional<JsonNode> node, int errorCode, String message, long bytes) {
        boolean ok() {
            return status / 100 == 2;
        }

        boolean notFound() {
            return errorCode == 100;
        }

        /** 101 compare failed or 105 already exists: a condition did not hold. */
        boolean conditionFailed() {
            return errorCode == 101 || errorCode == 105;
        }
    }

    boolean claimsPermitted() {
        return !claimsDenied.get();
    }

    /** Records that the role may not write the claims; true the first time. */
    boolean denyClaims() {
        return claimsDenied.compareAndSet(false, true);
    }

    /** Requests made on behalf of one startup, bounded by its deadline and counted in its statistics. */
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

        Response one(String what, Request request) {
            return batch(what, List.of(request)).get(0);
        }

        /** Sends all requests concurrently and waits for every answer: one round trip. */
        List<Response> batch(String what, List<Request> requests) {
            if (requests.isEmpty()) {
                return List.of();
            }
            Duration timeout = deadline.forCall(config.requestTimeout(), what);
            long deadlineNanos = System.nanoTime() + timeout.toNanos();
            stats.roundTrip(requests.size());
            List<Future<Response>> futures = new ArrayList<>();
            Resends resends = new Resends();
            for (Request request : requests) {
                futures.add(workers.submit(() -> send(request, timeout, resends)));
            }
            List<Response> responses = new ArrayList<>(requests.size());
            try {
                for (int i = 0; i < futures.size(); i++) {
                    long left = Math.max(1, deadlineNanos - System.nanoTime());
                    Response response = futures.get(i).get(left, TimeUnit.NANOSECONDS);
                    stats.progress();
                    if (request(requests, i).method().equals("GET")) {
                        stats.read(response.bytes(), response.node().map(EtcdV2Client::countLeaves).orElse(0));
                    }
                    responses.add(response);
                }
            } catch (TimeoutException e) {
                futures.forEach(f -> f.cancel(true));
                throw Deadline.noAnswer(config.endpointList(), what, timeout, e);
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new StartupException(Reason.INTERNAL, "Interrupted while waiting for etcd (" + what + ")", e);
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                if (e.getCause() instanceof StartupException startup) {
                    throw new StartupException(startup.reason(), startup.getMessage() + " (" + what + ")", startup);
                }
                throw new StartupException(Reason.INTERNAL, "etcd request failed (" + what + "): " + e.getCause(),
                        e.getCause());
            } finally {
                resends.count(stats);
            }
            return responses;
        }

        private Request request(List<Request> requests, int i) {
            return requests.get(i);
        }
    }

    /**
     * Requests of one batch sent again to the next member: each further member tried by any of them is one more
     * round trip the batch waited for.
     */
    private static final class Resends {
        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger deepest = new AtomicInteger();

        void resent(int attempt) {
            requests.incrementAndGet();
            deepest.accumulateAndGet(attempt, Math::max);
        }

        void count(IoStats stats) {
            for (int i = 1; i <= deepest.get(); i++) {
                stats.roundTrip(i == 1 ? requests.get() : 0);
            }
        }
    }

    /**
     * Sends to the preferred endpoint, moving on to the next one when a connection cannot be made, or when a read
     * gets a server error (HTTP 5xx) or no answer within its share of the time from a member that has not answered
     * this client yet (one that accepts connections but never answers — frozen, overloaded — must not take the whole
     * deadline from the others; one that has answered gets all of it, so a large read is never cut short).
     */
    private Response send(Request request, Duration timeout, Resends resends) {
        List<URI> endpoints = config.endpoints();
        int start = preferred.get();
        long end = System.nanoTime() + timeout.toNanos();
        List<String> failures = new ArrayList<>();
        boolean serverErrors = false;
        for (int attempt = 0; attempt < endpoints.size(); attempt++) {
            int index = (start + attempt) % endpoints.size();
            URI endpoint = endpoints.get(index);
            if (attempt > 0) {
                resends.resent(attempt);
            }
            Duration left = Duration.ofNanos(end - System.nanoTime());
            if (left.compareTo(Duration.ofMillis(1)) < 0) {
                throw Deadline.noAnswer(config.endpointList(), request.toString(), timeout, null);
            }
            // Only a read may move on once sent: a write that got no answer or an error may still be applied.
            boolean read = request.method().equals("GET");
            boolean last = attempt + 1 == endpoints.size();
            boolean share = read && !last && !answered.contains(endpoint);
            Duration wait = share ? min(left, timeout.dividedBy(endpoints.size())) : left;
            Attempt outcome = attempt(endpoint, request, wait, share, read && !last, timeout);
            if (outcome.answer() != null) {
                preferred.set(index);
                return outcome.answer();
            }
            failures.add(outcome.failure());
            serverErrors |= outcome.serverError();
        }
        throw new StartupException(Reason.DATASTORE_UNAVAILABLE, (serverErrors ? "No etcd endpoint could serve "
                + request : "Cannot connect to any etcd endpoint") + " (" + String.join("; ", failures) + ")");
    }

    /** One endpoint's answer, or why the request moves on to the next endpoint. */
    private record Attempt(Response answer, String failure, boolean serverError) {
    }

    /**
     * Sends {@code request} to {@code endpoint}, waiting at most {@code wait}. Moves on (returns a failure) when the
     * endpoint cannot be connected to; when it does not answer in time and this was only its {@code share}; when it
     * answers with a server error and {@code mayResend}. Throws for anything else.
     */
    private Attempt attempt(URI endpoint, Request request, Duration wait, boolean share, boolean mayResend,
            Duration timeout) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(build(endpoint, request, wait), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return unreachable(endpoint, e);
        } catch (java.net.http.HttpTimeoutException e) {
            if (!share) {
                throw Deadline.noAnswer(endpoint.toString(), request.toString(), timeout, e);
            }
            LOG.warn("etcd member {} did not answer {} within {} ms; trying the next one", endpoint, request,
                    wait.toMillis());
            return new Attempt(null, endpoint + ": no answer within " + wait.toMillis() + " ms", false);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException || e instanceof javax.net.ssl.SSLException) {
                return unreachable(endpoint, e);
            }
            throw new StartupException(Reason.DATASTORE_UNAVAILABLE, "etcd at " + endpoint + " failed " + request
                    + ": " + StartupException.causes(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(Reason.INTERNAL, "Interrupted while waiting for etcd", e);
        }
        answered.add(endpoint);
        try {
            return new Attempt(V2Answers.parse(config, endpoint, request, response), null, false);
        } catch (StartupException e) {
            // A member without a leader (cut off from the others) answers a quorum read with HTTP 500 when etcd's
            // own request timeout passes: the next member is asked, as etcd's Go v2 client (calico-node 2.6's) does.
            if (response.statusCode() < 500 || e.reason() != Reason.DATASTORE_UNAVAILABLE || !mayResend) {
                throw e;
            }
            LOG.warn("{}; trying the next etcd member", e.getMessage());
            return new Attempt(null, e.getMessage(), true);
        }
    }

    private static Attempt unreachable(URI endpoint, IOException e) {
        String why = StartupException.causes(e);
        LOG.warn("etcd member {} cannot be reached ({})", endpoint, why);
        return new Attempt(null, endpoint + ": " + why, false);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private HttpRequest build(URI endpoint, Request request, Duration timeout) {
        StringBuilder path = new StringBuilder("/v2/keys");
        for (String segment : request.key().split("/")) {
            if (!segment.isEmpty()) {
                path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20")
                        .replace("%3A", ":"));
            }
        }
        if (request.key().endsWith("/")) {
            path.append('/');
        }
        String query = form(request.query());
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint.toString() + path
                + (query.isEmpty() ? "" : "?" + query))).timeout(timeout);
        authorization.ifPresent(a -> builder.header("Authorization", a));
        HttpRequest.BodyPublisher body = request.value().map(v -> HttpRequest.BodyPublishers.ofString(
                form(Map.of("value", v)))).orElse(HttpRequest.BodyPublishers.noBody());
        if (request.value().isPresent()) {
            builder.header("Content-Type", "application/x-www-form-urlencoded");
        }
        return builder.method(request.method(), body).build();
    }

    private static int countLeaves(JsonNode node) {
        if (!node.path("dir").asBoolean(false)) {
            return 1;
        }
        int count = 0;
        for (JsonNode child : node.path("nodes")) {
            count += countLeaves(child);
        }
        return count;
    }

    private static String form(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        // The client's selector thread must end: while it waits in epoll_wait (until the client is garbage
        // collected), the JVM spends up to 300 ms at exit waiting for it, as for any thread in native code.
        if (http instanceof AutoCloseable closeable) {
            // Java 21+: HttpClient is AutoCloseable.
            try {
                closeable.close();
            } catch (Exception e) {
                // Closing is best effort: every request of this client has finished or failed already.
            }
        } else {
            stopSelectorThread();
        }
    }

    /**
     * Java 17 to 20 cannot close an {@link HttpClient}. Its selector thread ends its loop when interrupted and then
     * shuts the client down as {@code close()} does on Java 21 (connections closed, later requests refused). It is
     * found by the name the JDK gives it, {@code HttpClient-<id>-SelectorManager}, with the id the client's
     * {@code toString} ends with ({@code ...HttpClientImpl@1b2c3d(<id>)}); on a JDK where either differs nothing is
     * done and the JVM's exit merely waits.
     */
    private void stopSelectorThread() {
        Matcher id = CLIENT_ID.matcher(http.toString());
        if (!id.find()) {
            return;
        }
        String name = "HttpClient-" + id.group(1) + "-SelectorManager";
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 8];
        int count = root.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            if (threads[i].getName().equals(name)) {
                threads[i].interrupt();
                try {
                    threads[i].join(STOP_WAIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
