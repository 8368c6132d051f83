package org.calicostartup;

import java.util.Objects;

/**
 * The one exception calico-startup throws. The {@link Reason} tells a caller (and the CLI's exit code) what kind of
 * failure it was; the message says what happened, to what, and what to do.
 */
public final class StartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Reason {
        /** An environment variable, file or name given to the library is invalid. Nothing was read or written. */
        CONFIGURATION,
        /** No IP address could be autodetected with the configured method. */
        AUTODETECTION,
        /** The datastore could not be reached within the deadline. */
        DATASTORE_UNAVAILABLE,
        /** The datastore refused the credentials or certificate. */
        UNAUTHORIZED,
        /** Another node already uses this node's IP address. */
        IP_CONFLICT,
        /** Data stored for this node cannot be read; it was left untouched. */
        INVALID_STORED_DATA,
        /** Anything else. */
        INTERNAL
    }

    private final Reason reason;

    public StartupException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public StartupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** A configuration error that names the input, the value it had and the forms that are accepted. */
    public static StartupException invalidValue(String input, String value, String accepted) {
        return new StartupException(Reason.CONFIGURATION,
                "Invalid value for " + input + ": " + quote(value) + " (accepted: " + accepted + ")");
    }

    /**
     * Every distinct message along a cause chain, outermost first ({@code a <- b <- c}), so that the root cause of a
     * client library's failure (connection refused, a TLS handshake) is never lost behind a generic wrapper.
     */
    public static String causes(Throwable failure) {
        StringBuilder out = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(message) < 0) {
                out.append(out.length() == 0 ? "" : " <- ").append(message);
            }
        }
        return out.toString();
    }

    /** Quotes a value for an error message, making control characters visible. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
