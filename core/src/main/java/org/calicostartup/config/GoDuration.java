package org.calicostartup.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's {@code time.ParseDuration} format ({@code 300ms}, {@code 1m30s}, {@code 0}), for duration variables. */
final class GoDuration {

    static final String ACCEPTED = "a Go duration such as 60s, 1m30s, 500ms or 0";

    private static final Pattern WHOLE = Pattern.compile("([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** Go's way of writing a duration, for messages: {@code 10ms}, {@code 10s}, {@code 24h0m0s} as {@code 24h}. */
    static String format(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        if (d.toSeconds() < 3600 || d.toSeconds() % 3600 != 0) {
            return d.toSeconds() + "s";
        }
        return d.toHours() + "h";
    }

    /** Parses a non-negative duration; empty when the text is not one. */
    static Optional<Duration> parse(String text) {
        if (text.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (text.isEmpty() || !Pattern.compile("(" + WHOLE.pattern() + ")+").matcher(text).matches()) {
            return Optional.empty();
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(NANOS.get(part.group(2)))));
        }
        try {
            return Optional.of(Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact()));
        } catch (ArithmeticException tooLarge) {
            return Optional.empty();
        }
    }
}
