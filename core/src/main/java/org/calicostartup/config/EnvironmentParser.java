package org.calicostartup.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;
import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.config.EnvironmentReader.Variable;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.profile.CalicoRelease;
import org.calicostartup.profile.ReleaseProfile;

/** Turns calico-node's environment into a {@link StartupConfig}; every error names the variable and its value. */
final class EnvironmentParser {

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,10}");
    private static final Pattern ASDOT = Pattern.compile("([0-9]{1,5})\\.([0-9]{1,5})");
    private static final long MAX_AS = 0xFFFF_FFFFL;
    private static final Set<String> LOG_LEVELS =
            Set.of("panic", "fatal", "error", "warn", "warning", "info", "debug", "trace");
    private static final Set<String> BACKENDS = Set.of("bird", "vxlan", "gobgp");

    private final EnvironmentReader env;
    private final NodeNameResolver nodeNames;

    EnvironmentParser(EnvironmentReader env, NodeNameResolver nodeNames) {
        this.env = env;
        this.nodeNames = nodeNames;
    }

    StartupConfig parse() {
        Optional<CalicoRelease> calicoVersion = calicoVersion();
        Optional<Variable> typeVar = env.datastore("DATASTORE_TYPE");
        DatastoreConfig datastore = new DatastoreEnvironment(env, this).datastore(typeVar, calicoVersion);
        NodeNaming naming = NodeNaming.fromEnvironment(env, env.get("CALICO_NODENAME_FILE").filter(f -> !f.isEmpty())
                .map(f -> path("CALICO_NODENAME_FILE", f)), nodeNames);
        boolean noDefaultPools = env.get("NO_DEFAULT_POOLS", "").toLowerCase(Locale.ROOT).equals("true");
        if (noDefaultPools && (nonEmpty("CALICO_IPV4POOL_CIDR") || nonEmpty("CALICO_IPV6POOL_CIDR"))) {
            throw configuration("Invalid configuration with NO_DEFAULT_POOLS defined and CALICO_IPV4POOL_CIDR or "
                    + "CALICO_IPV6POOL_CIDR defined.");
        }
        boolean v2 = datastore.type() == DatastoreType.ETCDV2;
        ReleaseProfile release = ReleaseProfile.beforeReading(calicoVersion, datastore.type());
        PoolSettings ipv4Pool = pool(IpFamily.V4, v2, release);
        PoolSettings ipv6Pool = pool(IpFamily.V6, v2, release);
        NodeSettings node = node(naming, release.naming());
        return new StartupConfig(datastore, node, ipv4Pool, ipv6Pool, noDefaultPools,
                env.notFalse("FELIX_IPV6SUPPORT", true), list(env.get("CLUSTER_TYPE", "")),
                env.exactlyTrue("WAIT_FOR_DATASTORE"), naming.configuredFile(),
                bounded("CALICO_STARTUP_TIMEOUT", StartupConfig.DEFAULT_STARTUP_TIMEOUT,
                        StartupConfig.MIN_STARTUP_TIMEOUT, StartupConfig.MAX_STARTUP_TIMEOUT),
                logLevel(),
                env.get("CALICO_STARTUP_ENV_FILE").filter(f -> !f.isEmpty())
                        .map(f -> path("CALICO_STARTUP_ENV_FILE", f)).orElse(StartupConfig.DEFAULT_STARTUP_ENV_FILE),
                calicoVersion, typeVar.isPresent() || calicoVersion.isPresent(), claimsCover(), naming);
    }

    /** {@code CALICO_STARTUP_CLAIMS_COVER_MIN_NODES} and {@code CALICO_STARTUP_CHANGED_NODES}; unset: the defaults. */
    private ClaimsCoverSettings claimsCover() {
        ClaimsCoverSettings defaults = ClaimsCoverSettings.DEFAULT;
        String min = env.get("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "");
        int minNodes = defaults.minNodes();
        if (!min.isEmpty()) {
            // Digits only (no sign, no spaces), as Go's strconv would refuse them too; at most Integer.MAX_VALUE.
            try {
                minNodes = min.chars().allMatch(c -> c >= '0' && c <= '9') ? Integer.parseInt(min) : -1;
            } catch (NumberFormatException tooLarge) {
                minNodes = -1;
            }
            if (minNodes < 0) {
                throw StartupException.invalidValue("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", min,
                        "a number of nodes from 0 to " + Integer.MAX_VALUE + "; the largest never creates a cover");
            }
        }
        String changed = env.get("CALICO_STARTUP_CHANGED_NODES", "");
        ClaimsCoverSettings.ChangedNodes changedNodes = defaults.changedNodes();
        if (!changed.isEmpty()) {
            changedNodes = Arrays.stream(ClaimsCoverSettings.ChangedNodes.values())
                    .filter(c -> c.envValue().equals(changed)).findFirst()
                    .orElseThrow(() -> StartupException.invalidValue("CALICO_STARTUP_CHANGED_NODES", changed,
                            "newest (the default: two round trips) or watch (three; etcd's work independent of "
                                    + "the cluster's size)"));
        }
        return new ClaimsCoverSettings(minNodes, changedNodes);
    }

    /** {@code CALICO_STARTUP_CALICO_VERSION}: a supported calico-node release, or unset. */
    private Optional<CalicoRelease> calicoVersion() {
        String value = env.get("CALICO_STARTUP_CALICO_VERSION", "");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CalicoRelease.supported(value).orElseThrow(() ->
                StartupException.invalidValue("CALICO_STARTUP_CALICO_VERSION", value, CalicoRelease.SUPPORTED)));
    }

    // ---------------------------------------------------------------------------------------------- datastore

    // --------------------------------------------------------------------------------------------------- node

    private NodeSettings node(NodeNaming naming, ReleaseProfile.Naming rule) {
        AddressSetting ipv4 = address("IP", IpFamily.V4);
        AddressSetting ipv6 = address("IP6", IpFamily.V6);
        AutodetectionMethod ipv4Method =
                AutodetectionMethod.parse("IP_AUTODETECTION_METHOD", env.get("IP_AUTODETECTION_METHOD", ""));
        AutodetectionMethod ipv6Method =
                AutodetectionMethod.parse("IP6_AUTODETECTION_METHOD", env.get("IP6_AUTODETECTION_METHOD", ""));
        OptionalLong asNumber = asNumber();
        Optional<String> nodeRef = env.get("CALICO_K8S_NODE_REF").filter(r -> !r.isEmpty());
        nodeRef.ifPresent(ref -> {
            if (ref.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
                throw StartupException.invalidValue("CALICO_K8S_NODE_REF", ref,
                        "the Kubernetes node name, without white space or control characters");
            }
        });
        String backend = backend();
        NodeName name = naming.resolve(rule);
        return new NodeSettings(name, ipv4, ipv6, ipv4Method, ipv6Method, asNumber, nodeRef,
                env.exactlyTrue("DISABLE_NODE_IP_CHECK"), backend);
    }

    private AddressSetting address(String variable, IpFamily family) {
        String value = env.get(variable, "");
        switch (value) {
            case "":
                return AddressSetting.KEEP;
            case "autodetect":
                return AddressSetting.AUTODETECT;
            case "none":
                return AddressSetting.NONE;
            default:
                return CidrAddress.parse(value).filter(a -> a.family() == family)
                        .map(a -> AddressSetting.fixed(a, value.contains("/")))
                        .orElseThrow(() -> StartupException.invalidValue(variable, value, "empty (keep the stored "
                                + "address), \"autodetect\", \"none\", an " + family + " address such as "
                                + (family == IpFamily.V4 ? "10.0.0.11 or 10.0.0.11/24" : "fd00::11 or fd00::11/64")));
        }
    }

    private OptionalLong asNumber() {
        String value = env.get("AS", "");
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        Matcher asdot = ASDOT.matcher(value);
        long number = -1;
        if (DECIMAL.matcher(value).matches()) {
            number = Long.parseLong(value);
        } else if (asdot.matches()) {
            long high = Long.parseLong(asdot.group(1));
            long low = Long.parseLong(asdot.group(2));
            number = high <= 0xFFFF && low <= 0xFFFF ? (high << 16) | low : -1;
        }
        if (number < 0 || number > MAX_AS) {
            throw StartupException.invalidValue("AS", value,
                    "a 32-bit AS number in decimal such as 64512, or in asdot notation X.Y with X and Y in 0..65535");
        }
        return OptionalLong.of(number);
    }

    private String backend() {
        String value = env.get("CALICO_NETWORKING_BACKEND", "bird");
        if (!value.equals("none") && !BACKENDS.contains(value.toLowerCase(Locale.ROOT))) {
            throw StartupException.invalidValue("CALICO_NETWORKING_BACKEND", value,
                    "\"bird\" (the default), \"vxlan\", \"gobgp\" or \"none\"");
        }
        return value;
    }

    // -------------------------------------------------------------------------------------------------- pools

    /**
     * A default pool's variables, as far as {@code release} (the configured one, else the datastore's default) reads
     * them: one it does not read is not parsed either, so a value calico-node would ignore is not refused
     * ({@code ReleaseProfile.poolAsRead} narrows them further for a release the cluster records).
     */
    private PoolSettings pool(IpFamily family, boolean v2, ReleaseProfile release) {
        String prefix = family == IpFamily.V4 ? "CALICO_IPV4POOL_" : "CALICO_IPV6POOL_";
        // "none" (Calico v3.29+) is kept as said; the release profile refuses it for older releases.
        boolean cidrNone = !v2 && env.get(prefix + "CIDR", "").equals("none");
        // With CALICO_IPV4POOL_CIDR=none, v3.29+ read none of the IPv4 pool's variables, nor CALICO_IPV6POOL_VXLAN
        // (configureIPPools, node/pkg/lifecycle/startup/startup.go@v3.29.0).
        boolean ipv4Skipped = !v2 && env.get("CALICO_IPV4POOL_CIDR", "").equals("none")
                && release.poolCidrNoneSkips();
        boolean reads = !(family == IpFamily.V4 && ipv4Skipped);
        Optional<CidrAddress> cidr = env.get(prefix + "CIDR").filter(c -> !c.isEmpty() && !cidrNone).map(value ->
                CidrAddress.parse(value).filter(c -> c.family() == family && value.contains("/"))
                        .orElseThrow(() -> StartupException.invalidValue(prefix + "CIDR", value, "an " + family
                                + " network in CIDR notation such as "
                                + (family == IpFamily.V4 ? "192.168.0.0/16" : "fd80:24e2:f998:72d6::/64"))));
        EncapsulationMode ipip = EncapsulationMode.NEVER;
        if (family == IpFamily.V4 && reads) {
            String value = env.get(prefix + "IPIP", "");
            if (v2 && !ReleaseProfile.of(CalicoRelease.DEFAULT_V2).acceptsIpipValue(value.toLowerCase(Locale.ROOT))) {
                // calico-node 2.6 would write the node, then fail to create the pool; refused before any I/O.
                throw StartupException.invalidValue(prefix + "IPIP", value, "with DATASTORE_TYPE=etcdv2 (Calico "
                        + "2.6): empty or \"off\", \"always\", \"cross-subnet\", in any case");
            }
            ipip = EncapsulationMode.parse(value).orElseThrow(() ->
                    StartupException.invalidValue(prefix + "IPIP", value, EncapsulationMode.ACCEPTED));
        }
        boolean readsVxlan = family == IpFamily.V4 ? reads && release.hasVxlanPools()
                : release.readsIpv6PoolVxlan() && !ipv4Skipped;
        String vxlanValue = readsVxlan ? env.get(prefix + "VXLAN", "") : "";
        EncapsulationMode vxlan = EncapsulationMode.parse(vxlanValue).orElseThrow(() ->
                StartupException.invalidValue(prefix + "VXLAN", vxlanValue, EncapsulationMode.ACCEPTED));
        if (ipip != EncapsulationMode.NEVER && vxlan != EncapsulationMode.NEVER) {
            throw configuration("Invalid configuration: both " + prefix + "IPIP and " + prefix + "VXLAN enable "
                    + "encapsulation on the default pool; choose one");
        }
        boolean readsSizeAndSelector = reads && release.readsPoolBlockSizeAndNodeSelector();
        int blockSize = readsSizeAndSelector ? blockSize(prefix + "BLOCK_SIZE", family)
                : PoolSettings.defaultBlockSize(family);
        cidr.or(() -> Optional.of(PoolSettings.DEFAULT_IPV4_CIDR).filter(d -> family == IpFamily.V4)).ifPresent(c -> {
            if (c.prefixLength() > blockSize) {
                throw configuration("Invalid configuration: the pool " + c + " from " + prefix + "CIDR is smaller "
                        + "than one IPAM block of /" + blockSize + " (" + prefix + "BLOCK_SIZE)");
            }
        });
        // Set but empty means all(), as Calico's pool defaulting does.
        String selector = env.get(prefix + "NODE_SELECTOR").filter(s -> !s.isEmpty() && readsSizeAndSelector)
                .orElse(PoolSettings.DEFAULT_NODE_SELECTOR);
        Selectors.validate(selector).ifPresent(problem -> {
            throw StartupException.invalidValue(prefix + "NODE_SELECTOR", selector,
                    "a Calico selector such as all(), has(edge) or zone == \"a\" && !has(spot); " + problem);
        });
        boolean nat = env.notFalse(prefix + "NAT_OUTGOING", family == IpFamily.V4);
        boolean disableBgpExport = env.notFalse(prefix + "DISABLE_BGP_EXPORT", false);
        return new PoolSettings(family, cidr, ipip, vxlan, nat, blockSize, selector, cidrNone, disableBgpExport);
    }

    private int blockSize(String variable, IpFamily family) {
        int min = family == IpFamily.V4 ? 20 : 116;
        int max = family.bits();
        String value = env.get(variable, "");
        if (value.isEmpty()) {
            return PoolSettings.defaultBlockSize(family);
        }
        if (value.matches("[0-9]{1,3}")) {
            int size = Integer.parseInt(value);
            if (size >= min && size <= max) {
                return size;
            }
        }
        throw StartupException.invalidValue(variable, value, "a prefix length from " + min + " to " + max);
    }

    // --------------------------------------------------------------------------------------------------- misc

    private String logLevel() {
        String value = env.get("CALICO_STARTUP_LOGLEVEL", "info");
        String level = value.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw StartupException.invalidValue("CALICO_STARTUP_LOGLEVEL", value,
                    "a log level: trace, debug, info, warning, error, fatal or panic, in any case");
        }
        return level;
    }

    /** A duration between {@code min} and {@code max}: what the datastore clients accept, named when it is not. */
    Duration bounded(String variable, Duration fallback, Duration min, Duration max) {
        Duration value = duration(variable, fallback, false);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw StartupException.invalidValue(variable, env.get(variable, ""), "a Go duration from "
                    + GoDuration.format(min) + " to " + GoDuration.format(max) + ", such as "
                    + GoDuration.format(fallback));
        }
        return value;
    }

    private Duration duration(String variable, Duration fallback, boolean zeroAllowed) {
        String value = env.get(variable, "");
        if (value.isEmpty()) {
            return fallback;
        }
        return GoDuration.parse(value).filter(d -> zeroAllowed || !d.isZero()).orElseThrow(() ->
                StartupException.invalidValue(variable, value, GoDuration.ACCEPTED
                        + (zeroAllowed ? "" : ", greater than zero")));
    }

    /** A file path from a variable; one the operating system cannot name (e.g. with a NUL) is a named error. */
    static Path path(String variable, String value) {
        try {
            return Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw StartupException.invalidValue(variable, value, "a file path (" + e.getReason() + ")");
        }
    }

    private boolean nonEmpty(String variable) {
        return !env.get(variable, "").isEmpty();
    }

    /**
     * {@code CLUSTER_TYPE}'s items as calico-node splits them ({@code strings.Split(clusterType, ",")}, no trimming,
     * empty items kept; {@code ensureClusterInformation}, libcalico-go/lib/clientv3/client.go@v3.32.1,
     * {@code updateClusterType}, calico_node/startup/startup.go@v2.6.12): joined with {@code ,} they give the value
     * back. Unset or empty: none.
     */
    private static List<String> list(String value) {
        return value.isEmpty() ? List.of() : List.of(value.split(",", -1));
    }

    static StartupException configuration(String message) {
        return new StartupException(StartupException.Reason.CONFIGURATION, message);
    }
}
