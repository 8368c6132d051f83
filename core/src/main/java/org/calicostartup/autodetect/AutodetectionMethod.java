package org.calicostartup.autodetect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.calicostartup.StartupException;
import org.calicostartup.net.CidrAddress;

/**
 * A value of {@code IP_AUTODETECTION_METHOD} / {@code IP6_AUTODETECTION_METHOD}, parsed and validated.
 *
 * <p>Calico validates regexes and CIDRs only when it detects; this library rejects them while reading the
 * configuration, before any network I/O.
 */
public sealed interface AutodetectionMethod {

    String FIRST_FOUND = "first-found";
    String INTERFACE = "interface=";
    String SKIP_INTERFACE = "skip-interface=";
    String CAN_REACH = "can-reach=";
    String CIDR = "cidr=";
    String KUBERNETES_INTERNAL_IP = "kubernetes-internal-ip";

    /** The accepted forms, for error messages. */
    String ACCEPTED = "\"first-found\" (the default), \"interface=<regex>[,<regex>...]\", "
            + "\"skip-interface=<regex>[,<regex>...]\", \"can-reach=<IP or host name>\", \"cidr=<CIDR>[,<CIDR>...]\"";

    /** The separator Calico splits lists on: a comma with optional white space around it. */
    Pattern LIST_SEPARATOR = Pattern.compile("\\s*,\\s*");

    /** The text the method was configured with, for log lines. */
    String text();

    /** All interfaces but those on Calico's default exclusion list. */
    record FirstFound() implements AutodetectionMethod {
        @Override
        public String text() {
            return FIRST_FOUND;
        }
    }

    /** Only interfaces whose name matches one of the regexes (unanchored, like Go's MatchString). */
    record Interfaces(List<Pattern> patterns) implements AutodetectionMethod {
        public Interfaces {
            patterns = List.copyOf(patterns);
        }

        @Override
        public String text() {
            return INTERFACE + join(patterns);
        }
    }

    /** Calico's default exclusions plus interfaces whose name matches one of the regexes. */
    record SkipInterfaces(List<Pattern> patterns) implements AutodetectionMethod {
        public SkipInterfaces {
            patterns = List.copyOf(patterns);
        }

        @Override
        public String text() {
            return SKIP_INTERFACE + join(patterns);
        }
    }

    /** The local address the kernel would use to reach the destination (an IP literal or a DNS name). */
    record CanReach(String destination) implements AutodetectionMethod {
        @Override
        public String text() {
            return CAN_REACH + destination;
        }
    }

    /** The first global-unicast address, on any interface, that lies in one of the CIDRs. */
    record Cidrs(List<CidrAddress> cidrs) implements AutodetectionMethod {
        public Cidrs {
            cidrs = List.copyOf(cidrs);
        }

        @Override
        public String text() {
            return CIDR + String.join(",", cidrs.stream().map(CidrAddress::toString).toList());
        }
    }

    /**
     * Parses a method as calico-node does ({@code ""} means first-found).
     *
     * @param variable the environment variable the value came from, named in errors
     */
    static AutodetectionMethod parse(String variable, String value) {
        if (value.isEmpty() || value.equals(FIRST_FOUND)) {
            return new FirstFound();
        }
        if (value.startsWith(INTERFACE)) {
            return new Interfaces(patterns(variable, value, value.substring(INTERFACE.length())));
        }
        if (value.startsWith(SKIP_INTERFACE)) {
            return new SkipInterfaces(patterns(variable, value, value.substring(SKIP_INTERFACE.length())));
        }
        if (value.startsWith(CAN_REACH)) {
            String destination = value.substring(CAN_REACH.length());
            if (destination.isEmpty() || destination.chars().anyMatch(c -> c <= ' ' || c == '/')) {
                throw StartupException.invalidValue(variable, value,
                        "can-reach= followed by an IP address or a host name, such as can-reach=8.8.8.8");
            }
            return new CanReach(destination);
        }
        if (value.startsWith(CIDR)) {
            List<CidrAddress> cidrs = new ArrayList<>();
            for (String item : LIST_SEPARATOR.split(value.substring(CIDR.length()), -1)) {
                cidrs.add(CidrAddress.parse(item).filter(c -> item.contains("/")).orElseThrow(() ->
                        StartupException.invalidValue(variable, value,
                                "cidr= followed by comma-separated CIDRs such as cidr=10.0.0.0/8,192.168.1.0/24; "
                                        + "invalid CIDR " + StartupException.quote(item))));
            }
            return new Cidrs(cidrs);
        }
        if (value.startsWith(KUBERNETES_INTERNAL_IP)) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Invalid value for " + variable + ": "
                    + StartupException.quote(value) + ": calico-startup does not talk to the Kubernetes API, so "
                    + "kubernetes-internal-ip is not supported; use one of " + ACCEPTED);
        }
        throw new StartupException(StartupException.Reason.CONFIGURATION, "Invalid IP autodetection method in "
                + variable + ": " + StartupException.quote(value) + " (valid methods: " + ACCEPTED + ")");
    }

    private static List<Pattern> patterns(String variable, String value, String list) {
        List<Pattern> patterns = new ArrayList<>();
        for (String regex : LIST_SEPARATOR.split(list, -1)) {
            if (regex.isEmpty()) {
                throw StartupException.invalidValue(variable, value, "a comma-separated list of non-empty regular "
                        + "expressions matched against interface names, such as interface=eth.*,ens.*");
            }
            try {
                patterns.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw StartupException.invalidValue(variable, value, "valid regular expressions; "
                        + StartupException.quote(regex) + " is not one: " + e.getDescription());
            }
        }
        return patterns;
    }

    private static String join(List<Pattern> patterns) {
        return String.join(",", patterns.stream().map(Pattern::pattern).toList());
    }
}
