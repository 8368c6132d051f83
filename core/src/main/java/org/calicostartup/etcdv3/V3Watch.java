package org.calicostartup.etcdv3;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.spi.IoStats;

/**
 * A watch of a key range from a past revision, read until it has delivered every change up to a given revision.
 * etcd delivers one watcher's events in revision order, and serves a watch from a past revision by reading the
 * revisions since then (not the keys in the range), so its cost follows what changed, not how many keys there are.
 * That a watch "has caught up" is only known from an event at or after the revision wanted: the caller writes one
 * (a fence key inside the range) in the transaction whose revision it waits for. On etcd 3.4 a progress request
 * cannot say it (it is answered at once with the store's revision, caught up or not).
 */
final class V3Watch implements AutoCloseable {

    /** Events kept at most; more (a range busier than the conflict check can use) gives up the watch. */
    static final int MAX_EVENTS = 4 * V3Cover.CHANGED_MAX;

    private final java.net.URI endpoint;
    private final IoStats stats;
    private final List<Change> events = new ArrayList<>();
    private ClientCallStreamObserver<WatchRequest> requests;
    private long delivered;
    private String failure;

    private V3Watch(java.net.URI endpoint, IoStats stats) {
        this.endpoint = endpoint;
        this.stats = stats;
    }

    /** Opens the watch of [{@code from}, {@code to}) from {@code startRevision}; the request leaves at once. */
    static V3Watch open(java.net.URI endpoint, ManagedChannel channel, CallCredentials credentials,
            long timeoutNanos, String from, String to, long startRevision, IoStats stats) {
        V3Watch watch = new V3Watch(endpoint, stats);
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).withCallCredentials(credentials)
                .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).watch(watch.new Responses());
        watch.requests = (ClientCallStreamObserver<WatchRequest>) requests;
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(from)).setRangeEnd(ByteString.copyFromUtf8(to))
                .setStartRevision(startRevision)).build());
        return watch;
    }

    /**
     * The last state up to {@code revision} of each key under {@code prefix} that changed since the start revision
     * (a deleted key is left out), once the watch has delivered an event at or after {@code revision}; empty when it
     * cannot (compacted, refused, too many events, no answer within {@code timeoutNanos}), with why in
     * {@link #failure()}.
     */
    Optional<List<Stored>> changedUpTo(long revision, String prefix, long timeoutNanos) throws InterruptedException {
        long end = System.nanoTime() + timeoutNanos;
        synchronized (this) {
            while (delivered < revision && failure == null) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    failure = "no event at or after revision " + revision + " within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (delivered < revision) {
                return Optional.empty();
            }
            Map<String, Change> latest = new LinkedHashMap<>();
            for (Change change : events) {
                if (change.revision() <= revision && change.key().startsWith(prefix)) {
                    latest.put(change.key(), change);
                }
            }
            return Optional.of(latest.values().stream().filter(c -> !c.deleted())
                    .map(c -> new Stored(c.key(), c.value(), c.revision())).toList());
        }
    }

    /** The member the watch was sent to. */
    java.net.URI endpoint() {
        return endpoint;
    }

    /** Why {@link #changedUpTo} gave up, if it did. */
    synchronized String failure() {
        return failure;
    }

    @Override
    public void close() {
        requests.cancel("done", null);
    }

    /** One event: a key's value from {@code revision} on, or its deletion (which hides its earlier events). */
    private record Change(String key, byte[] value, long revision, boolean deleted) {
    }

    private final class Responses implements StreamObserver<WatchResponse> {
        @Override
        public void onNext(WatchResponse response) {
            long bytes = 0;
            synchronized (V3Watch.this) {
                if (response.getCompactRevision() > 0) {
                    failure = "revisions up to " + response.getCompactRevision() + " are compacted";
                } else if (response.getCanceled()) {
                    failure = "etcd cancelled the watch (" + response.getCancelReason() + ")";
                }
                for (Event event : response.getEventsList()) {
                    KeyValue kv = event.getKv();
                    bytes += kv.getKey().size() + kv.getValue().size();
                    if (events.size() == MAX_EVENTS) {
                        failure = "more than " + MAX_EVENTS + " changes";
                        break;
                    }
                    events.add(new Change(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toByteArray(),
                            kv.getModRevision(), event.getType() == Event.EventType.DELETE));
                    delivered = Math.max(delivered, kv.getModRevision());
                }
                V3Watch.this.notifyAll();
            }
            stats.read(bytes, response.getEventsCount());
        }

        @Override
        public void onError(Throwable t) {
            synchronized (V3Watch.this) {
                if (failure == null) {
                    failure = "the watch failed: " + org.calicostartup.StartupException.causes(t);
                }
                V3Watch.this.notifyAll();
            }
        }

        @Override
        public void onCompleted() {
            onError(new IllegalStateException("etcd ended the watch"));
        }
    }
}
