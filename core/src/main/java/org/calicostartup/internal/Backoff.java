package org.calicostartup.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.calicostartup.StartupException;
import org.calicostartup.spi.Deadline;

/**
 * The one retry pause of calico-startup: exponential from {@code initial}, doubling to at most {@code max}, with
 * optional full jitter, and never past the startup's deadline. Serves {@code WAIT_FOR_DATASTORE}, lost write races
 * on etcd v3 and lost lease races on etcd v2.
 */
public final class Backoff {

    private final Duration max;
    private final boolean jitter;
    private Duration next;

    private Backoff(Duration initial, Duration max, boolean jitter) {
        this.next = initial;
        this.max = max;
        this.jitter = jitter;
    }

    /** {@code initial}, doubling to {@code max}: for waiting on a datastore that does not answer yet. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, false);
    }

    /** A random pause up to {@code initial}, doubling to {@code max}: for racers, so they do not collide again. */
    public static Backoff jittered(Duration initial, Duration max) {
        return new Backoff(initial, max, true);
    }

    /** The pause the next {@link #pause} takes, before jitter. */
    public Duration next() {
        return next;
    }

    /** Sleeps the next pause (less if the deadline is nearer), then lengthens the following one. */
    public void pause(Deadline deadline) {
        long millis = next.toMillis();
        if (jitter) {
            millis = ThreadLocalRandom.current().nextLong(1, Math.max(2, millis + 1));
        }
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        try {
            Thread.sleep(Math.min(millis, Math.max(0, deadline.remaining().toMillis())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(StartupException.Reason.INTERNAL, "Interrupted while waiting to retry", e);
        }
    }
}
