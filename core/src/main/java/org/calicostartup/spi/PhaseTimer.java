package org.calicostartup.spi;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Adds up the time spent in named phases ("autodetect", "read", "write", ...), in first-seen order. */
public final class PhaseTimer {

    private final Map<String, Duration> phases = new LinkedHashMap<>();

    /** Times {@code body} as part of {@code phase}. */
    public <T> T time(String phase, java.util.function.Supplier<T> body) {
        long start = System.nanoTime();
        try {
            return body.get();
        } finally {
            add(phase, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    public synchronized void add(String phase, Duration duration) {
        phases.merge(phase, duration, Duration::plus);
    }

    public synchronized Map<String, Duration> phases() {
        return new LinkedHashMap<>(phases);
    }
}
