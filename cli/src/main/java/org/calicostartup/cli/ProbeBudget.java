package org.calicostartup.cli;

import java.time.Duration;

/**
 * A Kubernetes liveness probe's patience: the first probe at {@code initialDelay}, one every {@code period}, the
 * container restarted at the {@code failureThreshold}-th consecutive failure (each failing after {@code timeout}).
 * With calico-node 2.6's 10/10/6 and 1 s timeout that is about 61 s after the container starts.
 */
record ProbeBudget(int initialDelaySeconds, int periodSeconds, int failureThreshold, int timeoutSeconds) {

    Duration killedAfter() {
        return Duration.ofSeconds(initialDelaySeconds + (long) (failureThreshold - 1) * periodSeconds
                + timeoutSeconds);
    }

    boolean survives(Duration startup) {
        return startup.compareTo(killedAfter()) < 0;
    }

    /** The failureThreshold that lets a startup of {@code startup} (plus half again as margin) finish. */
    int failureThresholdFor(Duration startup) {
        long needed = (long) Math.ceil((startup.toMillis() * 1.5 / 1000.0 - initialDelaySeconds - timeoutSeconds)
                / periodSeconds) + 1;
        return (int) Math.max(failureThreshold, needed);
    }

    /** A startupProbe failureThreshold at {@code periodSeconds} covering {@code startup} plus half again. */
    int startupProbeThresholdFor(Duration startup) {
        return (int) Math.max(1, Math.ceil(startup.toMillis() * 1.5 / 1000.0 / periodSeconds));
    }
}
