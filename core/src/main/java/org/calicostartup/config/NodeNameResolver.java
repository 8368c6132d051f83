package org.calicostartup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.calicostartup.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node v3's node name precedence ({@code utils.DetermineNodeName}): {@code NODENAME} (trimmed), then the
 * nodename file written by an earlier start (trimmed), then {@code HOSTNAME} (trimmed, lower-cased), then the OS host
 * name (trimmed, lower-cased). The first non-empty one wins and must be a valid {@link NodeName}.
 */
public final class NodeNameResolver {

    private static final Logger LOG = LoggerFactory.getLogger(NodeNameResolver.class);

    private final Supplier<String> osHostname;

    /** @param osHostname the operating system's host name, asked only when nothing else names the node */
    public NodeNameResolver(Supplier<String> osHostname) {
        this.osHostname = Objects.requireNonNull(osHostname, "osHostname");
    }

    /** Resolves with the real OS host name. */
    public static NodeNameResolver system() {
        return new NodeNameResolver(OsHostname::read);
    }

    NodeName resolve(EnvironmentReader env, Path nodenameFile) {
        String fromEnv = env.get("NODENAME").map(String::trim).orElse("");
        if (!fromEnv.isEmpty()) {
            LOG.info("Using NODENAME environment for node name {}", fromEnv);
            return named(fromEnv, "NODENAME");
        }
        String stored = readNodenameFile(nodenameFile);
        if (!stored.isEmpty()) {
            LOG.info("Using stored node name {} from {}", stored, nodenameFile);
            return named(stored, "the nodename file " + nodenameFile + " (CALICO_NODENAME_FILE)");
        }
        String hostname = env.get("HOSTNAME").map(h -> h.trim().toLowerCase(Locale.ROOT)).orElse("");
        if (!hostname.isEmpty()) {
            LOG.info("Using HOSTNAME environment (lowercase) for node name {}", hostname);
            return named(hostname, "HOSTNAME");
        }
        String os = Objects.requireNonNullElse(osHostname.get(), "").trim().toLowerCase(Locale.ROOT);
        LOG.warn("Auto-detecting node name. It is recommended that an explicit value is supplied using the "
                + "NODENAME environment variable.");
        return named(os, "the operating system host name");
    }

    /**
     * calico-node 2.6's {@code determineNodeName} (calico_node/startup/startup.go@v2.6.12): {@code NODENAME}, else
     * {@code HOSTNAME}, else the OS host name — exactly as given, no trimming or lower-casing; no nodename file.
     */
    NodeName resolveAsGiven(EnvironmentReader env) {
        String fromEnv = env.get("NODENAME", "");
        if (!fromEnv.isEmpty()) {
            return named26(fromEnv, "NODENAME");
        }
        LOG.info("NODENAME environment not specified - check HOSTNAME");
        String hostname = env.get("HOSTNAME", "");
        if (!hostname.isEmpty()) {
            return named26(hostname, "HOSTNAME");
        }
        LOG.warn("Auto-detecting node name. It is recommended that an explicit value is supplied using the "
                + "NODENAME environment variable.");
        return named26(Objects.requireNonNullElse(osHostname.get(), ""), "the operating system host name");
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

    private static String readNodenameFile(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (content.isEmpty()) {
                throw new StartupException(StartupException.Reason.CONFIGURATION, "The nodename file " + file
                        + " (CALICO_NODENAME_FILE) is empty: write this node's name into it, or delete it");
            }
            return content;
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "Cannot read the nodename file "
                    + file + " (CALICO_NODENAME_FILE): " + e, e);
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
