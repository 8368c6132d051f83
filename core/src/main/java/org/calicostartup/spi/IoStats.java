package org.calicostartup.spi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a startup cost the datastore: round trips (sequential request batches on the critical path), requests,
 * and the bytes and keys it read. Counted in the datastore layer; deterministic for a given cluster, so tests can
 * assert them and benchmarks report them next to every time.
 */
public final class IoStats {

    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong keysRead = new AtomicLong();
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong completed = new AtomicLong();

    /** One batch of {@code requests} requests sent together and awaited together. */
    public void roundTrip(int requestCount) {
        roundTrips.incrementAndGet();
        requests.addAndGet(requestCount);
    }

    public void read(long bytes, long keys) {
        bytesRead.addAndGet(bytes);
        keysRead.addAndGet(keys);
    }

    /** A response arrived: the startup is making progress (what a liveness probe wants to know). */
    public void progress() {
        completed.incrementAndGet();
        lastProgressNanos.set(System.nanoTime());
    }

    /** Requests answered so far. */
    public long completed() {
        return completed.get();
    }

    /** Time since the last answer from the datastore (or since these statistics were created). */
    public java.time.Duration sinceProgress() {
        return java.time.Duration.ofNanos(System.nanoTime() - lastProgressNanos.get());
    }

    public Counts snapshot() {
        return new Counts(roundTrips.get(), requests.get(), bytesRead.get(), keysRead.get());
    }

    /** The counters at one moment. */
    public record Counts(long roundTrips, long requests, long bytesRead, long keysRead) {
        public Counts minus(Counts earlier) {
            return new Counts(roundTrips - earlier.roundTrips, requests - earlier.requests,
                    bytesRead - earlier.bytesRead, keysRead - earlier.keysRead);
        }
    }
}
