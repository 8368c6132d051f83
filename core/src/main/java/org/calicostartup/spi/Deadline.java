package org.calicostartup.spi;

import java.time.Duration;
import org.calicostartup.StartupException;

/** The whole startup's deadline; every call into the datastore gets the smaller of its own timeout and what is left. */
public final class Deadline {

    private final long startNanos;
    private final long deadlineNanos;
    private final Duration total;

    private Deadline(Duration total) {
        this.total = total;
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + total.toNanos();
    }

    public static Deadline after(Duration total) {
        return new Deadline(total);
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The timeout for one call: {@code perCall}, or less if the startup deadline is nearer. */
    public Duration forCall(Duration perCall, String what) {
        Duration remaining = remaining();
        if (remaining.isZero()) {
            throw new StartupException(StartupException.Reason.DATASTORE_UNAVAILABLE, "The startup deadline of "
                    + total.toMillis() + " ms (CALICO_STARTUP_TIMEOUT) passed before " + what);
        }
        return remaining.compareTo(perCall) < 0 ? remaining : perCall;
    }

    /** The failure of a call that got no answer within its timeout, naming the endpoints and the call. */
    public static StartupException noAnswer(String endpoints, String what, Duration timeout, Throwable cause) {
        return new StartupException(StartupException.Reason.DATASTORE_UNAVAILABLE, "No answer from etcd at "
                + endpoints + " to " + what + " within " + timeout.toMillis() + " ms (CALICO_STARTUP_REQUEST_TIMEOUT, "
                + "or what was left of CALICO_STARTUP_TIMEOUT)", cause);
    }

    public Duration total() {
        return total;
    }
}
