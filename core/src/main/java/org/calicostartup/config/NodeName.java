package org.calicostartup.config;

import java.util.Objects;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;

/**
 * A validated Calico node name and where it came from. The name is an RFC 1123 subdomain (lower-case alphanumerics,
 * {@code -} and {@code .}, each label starting and ending with an alphanumeric, at most 253 characters), the rule
 * Calico and Kubernetes apply to node names. Since a name can contain neither {@code /} nor {@code ..} nor white
 * space, no key built from it can leave the node's own subtree.
 */
public record NodeName(String value, String source) {

    public static final int MAX_LENGTH = 253;

    private static final Pattern RFC1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public NodeName {
        Objects.requireNonNull(source, "source");
        validate(value, source);
    }

    /** Checks a node name, naming {@code source} (a variable or file) in the error. */
    public static void validate(String value, String source) {
        Objects.requireNonNull(value, "value");
        String problem = null;
        if (value.isEmpty()) {
            problem = "it is empty";
        } else if (value.length() > MAX_LENGTH) {
            problem = "it is " + value.length() + " characters long, more than " + MAX_LENGTH;
        } else if (!RFC1123_SUBDOMAIN.matcher(value).matches()) {
            problem = "it is not an RFC 1123 subdomain";
        }
        if (problem != null) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Invalid node name "
                    + StartupException.quote(abbreviate(value)) + " from " + source + ": " + problem
                    + " (accepted: lower-case letters, digits, '-' and '.', each dot-separated part starting and "
                    + "ending with a letter or digit, at most " + MAX_LENGTH + " characters)");
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    @Override
    public String toString() {
        return value;
    }
}
