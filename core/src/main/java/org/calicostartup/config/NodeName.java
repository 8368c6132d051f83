package org.calicostartup.config;

import java.util.Objects;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;

/**
 * A validated Calico node name and where it came from.
 *
 * <p>Calico v3 ({@link Rules#RFC1123}): an RFC 1123 subdomain (lower-case alphanumerics, {@code -} and {@code .},
 * each label starting and ending with an alphanumeric, at most 253 characters), the rule Calico and Kubernetes apply
 * to node names. Calico 2.6 ({@link Rules#CALICO_2_6}): libcalico-go v1's {@code nameRegex}
 * {@code ^[a-zA-Z0-9_.-]{1,128}$} (lib/validator/validator.go@release-v2.6), so upper case and {@code _} are kept —
 * except {@code .} and {@code ..}, which 2.6 accepts but which etcd v2 would resolve as path segments
 * ({@code /calico/v1/host/..} is {@code /calico/v1}), and are refused here. Either way a name can contain neither
 * {@code /} nor white space, so no key built from it can leave the node's own subtree.
 */
public record NodeName(String value, String source, Rules rules) {

    public static final int MAX_LENGTH = 253;
    public static final int MAX_LENGTH_2_6 = 128;

    private static final Pattern RFC1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern NAME_2_6 = Pattern.compile("[a-zA-Z0-9_.-]{1," + MAX_LENGTH_2_6 + "}");

    /** Which release's naming rule a name follows. */
    public enum Rules { RFC1123, CALICO_2_6 }

    public NodeName {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(rules, "rules");
        if (rules == Rules.RFC1123) {
            validate(value, source);
        } else {
            validate26(value, source);
        }
    }

    /** A Calico v3 name. */
    public NodeName(String value, String source) {
        this(value, source, Rules.RFC1123);
    }

    /** Checks a Calico 2.6 node name, naming {@code source} in the error. */
    public static void validate26(String value, String source) {
        Objects.requireNonNull(value, "value");
        String problem = null;
        if (value.isEmpty()) {
            problem = "it is empty";
        } else if (value.equals(".") || value.equals("..")) {
            problem = "etcd v2 would read it as a path segment, not a name";
        } else if (!NAME_2_6.matcher(value).matches()) {
            problem = value.length() > MAX_LENGTH_2_6 ? "it is " + value.length() + " characters long, more than "
                    + MAX_LENGTH_2_6 : "it has characters Calico 2.6 does not accept";
        }
        if (problem != null) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Invalid node name "
                    + StartupException.quote(abbreviate(value)) + " from " + source + ": " + problem
                    + " (accepted with DATASTORE_TYPE=etcdv2, as Calico 2.6: letters in either case, digits, '_', "
                    + "'-' and '.', 1 to " + MAX_LENGTH_2_6 + " characters, not \".\" or \"..\")");
        }
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
