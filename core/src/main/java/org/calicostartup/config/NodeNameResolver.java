package org.calicostartup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.calicostartup.StartupException;
import org.calicostartup.profile.ReleaseProfile.Naming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the node's name as a calico-node release does ({@link Naming}; {@code determineNodeName}): {@code NODENAME},
 * then (v3.1 and later) the nodename file written by an earlier start, then {@code HOSTNAME}, then the OS host name.
 * The first non-empty one wins and must be a valid {@link NodeName}. Used through {@link NodeNaming}.
 */
public final class NodeNameResolver {

    private static final Logger LOG = LoggerFactory.getLogger(NodeNameResolver.class);
    /** calico-node's warning when the OS host name names the node (2.6.12 and v3.0.1 word it alike). */
    private static final String AUTODETECTED = "Auto-detecting node name. It is recommended that an explicit value is "
            + "supplied using the NODENAME environment variable.";

    private final Supplier<String> osHostname;
    /** Empty for a simulated host: its nodename file is wherever {@code CALICO_NODENAME_FILE} points. */
    private final Optional<Path> defaultNodenameFile;

    /**
     * A simulated host (tests, the demo, benchmarks): the OS host name is {@code osHostname}'s, and the nodename file
     * is only ever the one {@code CALICO_NODENAME_FILE} names — also for v3.1–v3.3, which on a real host use
     * {@code /var/lib/calico/nodename} whatever it says — so nothing is read or written outside the paths given.
     *
     * @param osHostname the operating system's host name, asked only when nothing else names the node
     */
    public NodeNameResolver(Supplier<String> osHostname) {
        this(osHostname, Optional.empty());
    }

    /**
     * @param osHostname          the operating system's host name, asked only when nothing else names the node
     * @param defaultNodenameFile the nodename file when {@code CALICO_NODENAME_FILE} is unset, and the one calico-node
     *                            v3.1–v3.3 use whatever it says (on a real host {@code /var/lib/calico/nodename})
     */
    public NodeNameResolver(Supplier<String> osHostname, Path defaultNodenameFile) {
        this(osHostname, Optional.of(defaultNodenameFile));
    }

    private NodeNameResolver(Supplier<String> osHostname, Optional<Path> defaultNodenameFile) {
        this.osHostname = Objects.requireNonNull(osHostname, "osHostname");
        this.defaultNodenameFile = Objects.requireNonNull(defaultNodenameFile, "defaultNodenameFile");
    }

    /** Resolves with the real OS host name and {@code /var/lib/calico/nodename}. */
    public static NodeNameResolver system() {
        return new NodeNameResolver(OsHostname::read, StartupConfig.DEFAULT_NODENAME_FILE);
    }

    /** The default nodename file; {@code configured} ({@code CALICO_NODENAME_FILE}, if set) for a simulated host. */
    Path defaultNodenameFile(Optional<Path> configured) {
        return defaultNodenameFile.or(() -> configured).orElse(StartupConfig.DEFAULT_NODENAME_FILE);
    }

    /**
     * The name {@code naming} gives, from {@code NODENAME} and {@code HOSTNAME} as set ({@code ""} when unset) and
     * the nodename file {@code file} (read as it is, as calico-node reads it: an empty file is skipped, a trailing
     * newline is part of the name).
     */
    NodeName resolve(String nodename, String hostname, Path file, Naming naming) {
        return switch (naming) {
            case CALICO_2_6 -> resolveAsGiven(nodename, hostname);
            case AS_GIVEN -> resolveV30(nodename, hostname);
            case DEFAULT_FILE, FILE_VARIABLE -> resolveV3(nodename, hostname, file);
        };
    }

    /** v3.1 and later ({@code DetermineNodeName}, node/pkg/lifecycle/utils/utils.go@v3.22.1). */
    private NodeName resolveV3(String nodename, String hostname, Path file) {
        String fromEnv = nodename.trim();
        if (!fromEnv.isEmpty()) {
            LOG.info("Using NODENAME environment for node name {}", fromEnv);
            return named(fromEnv, "NODENAME");
        }
        String stored = readNodenameFile(file);
        if (!stored.isEmpty()) {
            LOG.info("Using stored node name {} from {}", stored, file);
            return named(stored, "the nodename file " + file + (stored.strip().equals(stored) ? ""
                    : ", which calico-node uses as it is, white space and newlines included"));
        }
        String lowerHostname = hostname.trim().toLowerCase(Locale.ROOT);
        if (!lowerHostname.isEmpty()) {
            LOG.info("Using HOSTNAME environment (lowercase) for node name {}", lowerHostname);
            return named(lowerHostname, "HOSTNAME");
        }
        return fromOs();
    }

    /** v3.0: {@code NODENAME}, then {@code HOSTNAME}, as given (calico_node/startup/startup.go@v3.0.1). */
    private NodeName resolveV30(String nodename, String hostname) {
        if (!nodename.isEmpty()) {
            return named(nodename, nodename.trim().equals(nodename) ? "NODENAME"
                    : "NODENAME, which calico-node v3.0 uses as it is (it trims it from v3.1)");
        }
        LOG.info("NODENAME environment not specified - check HOSTNAME");
        if (!hostname.isEmpty()) {
            return named(hostname, hostname.trim().toLowerCase(Locale.ROOT).equals(hostname) ? "HOSTNAME"
                    : "HOSTNAME, which calico-node v3.0 uses as it is (it lower-cases and trims it from v3.1)");
        }
        return fromOs();
    }

    /** {@code names.Hostname}: trimmed and lower-cased, in every v3 release. */
    private NodeName fromOs() {
        String os = osHostname().trim().toLowerCase(Locale.ROOT);
        LOG.warn(AUTODETECTED);
        return named(os, "the operating system host name");
    }

    /** The OS host name, as read; empty when it cannot be told. */
    private String osHostname() {
        return Objects.requireNonNullElse(osHostname.get(), "");
    }

    /**
     * calico-node 2.6's {@code determineNodeName} (calico_node/startup/startup.go@v2.6.12): {@code NODENAME}, else
     * {@code HOSTNAME}, else the OS host name — exactly as given, no trimming or lower-casing; no nodename file.
     */
    private NodeName resolveAsGiven(String nodename, String hostname) {
        if (!nodename.isEmpty()) {
            return named26(nodename, "NODENAME");
        }
        LOG.info("NODENAME environment not specified - check HOSTNAME");
        if (!hostname.isEmpty()) {
            return named26(hostname, "HOSTNAME");
        }
        LOG.warn(AUTODETECTED);
        return named26(osHostname(), "the operating system host name");
    }

    private static NodeName named26(String name, String source) {
        NodeName nodeName = new NodeName(name, source, NodeName.Rules.CALICO_2_6);
        LOG.info("Determined node name: {}", nodeName);
        return nodeName;
    }

    private static NodeName named(String name, String source) {
        NodeName nodeName = new NodeName(name, source);
        LOG.info("Determined node name: {}", nodeName);
        return nodeName;
    }

    /** The file's contents as they are; {@code ""} when it does not exist or is empty (calico-node goes on then). */
    private static String readNodenameFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Cannot read the nodename file "
                    + file + ": " + e, e);
        }
    }

    /** Reads the host name the way Go's {@code os.Hostname} does on Linux. */
    static final class OsHostname {
        private static final Path PROC_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

        private OsHostname() {
        }

        static String read() {
            try {
                return Files.readString(PROC_HOSTNAME, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                try {
                    return java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.net.UnknownHostException unknown) {
                    throw new StartupException(StartupException.Reason.CONFIGURATION, "Cannot determine the host "
                            + "name; set NODENAME", unknown);
                }
            }
        }
    }
}
