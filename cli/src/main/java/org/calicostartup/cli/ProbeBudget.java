package org.calicostartup.cli;

import java.time.Duration;

/**
 * A Kubernetes liveness probe's patience: the first probe at {@code initialDelay}, one every {@code period}, the
 * container restarted at the {@code failureThreshold}-th consecutive failure (each failing after {@code timeout}).
 * With calico-node 2.6's 10/10/6 and 1 s timeout that is about 61 s after the container starts.
 */
public record ProbeBudget(int initialDelaySeconds, int periodSeconds, int failureThreshold, int timeoutSeconds) {

    public Duration killedAfter() {
        return Duration.ofSeconds(initialDelaySeconds + (long) (failureThreshold - 1) * periodSeconds
                + timeoutSeconds);
    }

    public boolean survives(Duration startup) {
        return startup.compareTo(killedAfter()) < 0;
    }

    /** The failureThreshold that lets a startup of {@code startup} (plus half again as margin) finish. */
    public int failureThresholdFor(Duration startup) {
        long needed = (long) Math.ceil((startup.toMillis() * 1.5 / 1000.0 - initialDelaySeconds - timeoutSeconds)
                / periodSeconds) + 1;
        return (int) Math.max(failureThreshold, needed);
    }

    /** A startupProbe failureThreshold at {@code periodSeconds} covering {@code startup} plus half again. */
    public int startupProbeThresholdFor(Duration startup) {
        return (int) Math.max(1, Math.ceil(startup.toMillis() * 1.5 / 1000.0 / periodSeconds));
    }

    /** A duration as the agent prints times: {@code 0.47 s}. */
    public static String seconds(Duration d) {
        return String.format("%.2f s", d.toNanos() / 1e9);
    }
}
