package org.calicostartup.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.calicostartup.profile.CalicoRelease;
import org.calicostartup.profile.ReleaseProfile;

/**
 * Everything one node startup needs, read from calico-node's environment variables by {@link #fromEnvironment} or
 * assembled by an embedding agent. Immutable; every part is validated when it is built, so an invalid value fails
 * before any network I/O.
 *
 * @param clusterType       {@code CLUSTER_TYPE} items, merged into the stored cluster type
 * @param waitForDatastore  {@code WAIT_FOR_DATASTORE=true}: retry connecting until {@code startupTimeout}
 * @param nodenameFile      {@code CALICO_NODENAME_FILE}: read for the node name, written after registration
 * @param startupTimeout    deadline of the whole startup ({@code CALICO_STARTUP_TIMEOUT}, a calico-startup addition)
 * @param logLevel          {@code CALICO_STARTUP_LOGLEVEL}, a logrus level name in lower case
 * @param startupEnvFile    where a Calico 2.6 or v3.0 startup writes {@code export NODENAME=<name>}
 *                          ({@code CALICO_STARTUP_ENV_FILE}, a calico-startup addition; calico-node writes
 *                          {@code startup.env} in its working directory)
 * @param calicoVersion     {@code CALICO_STARTUP_CALICO_VERSION}: the calico-node release to reproduce; empty means
 *                          the one the cluster records, else the datastore's default (see {@code ReleaseProfile})
 * @param datastoreTypeGiven whether {@code DATASTORE_TYPE} (or the release) chose the datastore; when not, an etcd v3
 *                          startup refuses to initialise a cluster whose Calico data lives in the v2 keyspace
 * @param claimsCover       when an etcd v3 startup keeps a claims cover and how it finds the nodes changed since it
 *                          ({@code CALICO_STARTUP_CLAIMS_COVER_MIN_NODES}, {@code CALICO_STARTUP_CHANGED_NODES})
 * @param naming            where the node's name comes from: {@code node}'s name is the one it gives for
 *                          {@link #profileBeforeReading()}; a release the cluster records may name the node otherwise
 */
public record StartupConfig(DatastoreConfig datastore, NodeSettings node, PoolSettings ipv4Pool,
        PoolSettings ipv6Pool, boolean noDefaultPools, boolean ipv6Supported, List<String> clusterType,
        boolean waitForDatastore, Path nodenameFile, Duration startupTimeout, String logLevel,
        Path startupEnvFile,
        Optional<CalicoRelease> calicoVersion, boolean datastoreTypeGiven, ClaimsCoverSettings claimsCover,
        NodeNaming naming) {

    public static final Path DEFAULT_NODENAME_FILE = Path.of("/var/lib/calico/nodename");
    /** Below the ~60 s a default calico-node liveness probe allows. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(50);
    public static final Duration MIN_STARTUP_TIMEOUT = Duration.ofMillis(10);
    public static final Duration MAX_STARTUP_TIMEOUT = Duration.ofHours(24);
    public static final Path DEFAULT_STARTUP_ENV_FILE = Path.of("startup.env");

    public StartupConfig {
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(ipv4Pool, "ipv4Pool");
        Objects.requireNonNull(ipv6Pool, "ipv6Pool");
        clusterType = List.copyOf(clusterType);
        Objects.requireNonNull(nodenameFile, "nodenameFile");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(startupEnvFile, "startupEnvFile");
        Objects.requireNonNull(calicoVersion, "calicoVersion");
        Objects.requireNonNull(claimsCover, "claimsCover");
        Objects.requireNonNull(naming, "naming");
        calicoVersion.ifPresent(v -> {
            if (!v.isSupported()) {
                throw new IllegalArgumentException("unsupported Calico release " + v);
            }
            if (v.usesEtcdV2() != (datastore.type() == DatastoreType.ETCDV2)) {
                throw new IllegalArgumentException("Calico " + v + " does not use " + datastore.type().envValue());
            }
        });
    }

    /**
     * A builder for an embedding agent: the datastore and the node are required, everything else has calico-node's
     * default (the same as an environment that does not set it). New settings get a default here, so callers of the
     * builder are not broken by them, unlike callers of the canonical constructor.
     */
    public static Builder builder(DatastoreConfig datastore, NodeSettings node) {
        return new Builder(datastore, node);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(datastore, node);
        b.ipv4Pool = ipv4Pool;
        b.ipv6Pool = ipv6Pool;
        b.noDefaultPools = noDefaultPools;
        b.ipv6Supported = ipv6Supported;
        b.clusterType = clusterType;
        b.waitForDatastore = waitForDatastore;
        b.nodenameFile = nodenameFile;
        b.startupTimeout = startupTimeout;
        b.logLevel = logLevel;
        b.startupEnvFile = startupEnvFile;
        b.calicoVersion = calicoVersion;
        b.claimsCover = claimsCover;
        b.naming = naming;
        return b;
    }

    /** Builds a {@link StartupConfig}; {@link #build} validates it. */
    public static final class Builder {
        private final DatastoreConfig datastore;
        private final NodeSettings node;
        private PoolSettings ipv4Pool = new PoolSettings(org.calicostartup.net.IpFamily.V4, Optional.empty(),
                EncapsulationMode.NEVER, EncapsulationMode.NEVER, true, PoolSettings.DEFAULT_IPV4_BLOCK_SIZE,
                PoolSettings.DEFAULT_NODE_SELECTOR);
        private PoolSettings ipv6Pool = new PoolSettings(org.calicostartup.net.IpFamily.V6, Optional.empty(),
                EncapsulationMode.NEVER, EncapsulationMode.NEVER, false, PoolSettings.DEFAULT_IPV6_BLOCK_SIZE,
                PoolSettings.DEFAULT_NODE_SELECTOR);
        private boolean noDefaultPools;
        private boolean ipv6Supported = true;
        private List<String> clusterType = List.of();
        private boolean waitForDatastore;
        private Path nodenameFile = DEFAULT_NODENAME_FILE;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private String logLevel = "info";
        private Path startupEnvFile = DEFAULT_STARTUP_ENV_FILE;
        private Optional<CalicoRelease> calicoVersion = Optional.empty();
        private ClaimsCoverSettings claimsCover = ClaimsCoverSettings.DEFAULT;
        /** Carried over by {@link #toBuilder()}; else (or once the nodename file changes) the node's given name. */
        private NodeNaming naming;

        private Builder(DatastoreConfig datastore, NodeSettings node) {
            this.datastore = Objects.requireNonNull(datastore, "datastore");
            this.node = Objects.requireNonNull(node, "node");
        }

        public Builder ipv4Pool(PoolSettings pool) {
            this.ipv4Pool = pool;
            return this;
        }

        public Builder ipv6Pool(PoolSettings pool) {
            this.ipv6Pool = pool;
            return this;
        }

        public Builder noDefaultPools(boolean value) {
            this.noDefaultPools = value;
            return this;
        }

        public Builder ipv6Supported(boolean value) {
            this.ipv6Supported = value;
            return this;
        }

        public Builder clusterType(List<String> items) {
            this.clusterType = items;
            return this;
        }

        public Builder waitForDatastore(boolean value) {
            this.waitForDatastore = value;
            return this;
        }

        public Builder nodenameFile(Path file) {
            this.nodenameFile = file;
            this.naming = null;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        public Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        public Builder startupEnvFile(Path file) {
            this.startupEnvFile = file;
            return this;
        }

        /** The calico-node release to reproduce, as {@code CALICO_STARTUP_CALICO_VERSION} ({@code v3.22.1}). */
        public Builder calicoVersion(String version) {
            this.calicoVersion = Optional.of(CalicoRelease.supported(version).orElseThrow(() ->
                    org.calicostartup.StartupException.invalidValue("calicoVersion", version,
                            CalicoRelease.SUPPORTED)));
            return this;
        }

        /** When an etcd v3 startup keeps a claims cover and how it uses it ({@link ClaimsCoverSettings}). */
        public Builder claimsCover(ClaimsCoverSettings settings) {
            this.claimsCover = Objects.requireNonNull(settings, "claimsCover");
            return this;
        }

        /** The configuration; the datastore is the one given, so no v2-data check is needed. */
        public StartupConfig build() {
            if (startupTimeout.compareTo(MIN_STARTUP_TIMEOUT) < 0 || startupTimeout.compareTo(MAX_STARTUP_TIMEOUT) > 0) {
                throw new IllegalArgumentException("startupTimeout must be from " + MIN_STARTUP_TIMEOUT + " to "
                        + MAX_STARTUP_TIMEOUT + ": " + startupTimeout);
            }
            return new StartupConfig(datastore, node, ipv4Pool, ipv6Pool, noDefaultPools, ipv6Supported, clusterType,
                    waitForDatastore, nodenameFile, startupTimeout, logLevel, startupEnvFile, calicoVersion, true,
                    claimsCover, naming != null ? naming : NodeNaming.given(node.name(), nodenameFile));
        }
    }

    /**
     * This configuration with the node named as {@code profile}'s release names it (the same configuration when that
     * is the name it has).
     *
     * @throws org.calicostartup.StartupException with reason CONFIGURATION when that release's name is not valid
     */
    public StartupConfig namedFor(ReleaseProfile profile) {
        NodeName name = naming.resolve(profile.naming());
        if (name.value().equals(node.name().value())) {
            return this;
        }
        return new StartupConfig(datastore, node.withName(name), ipv4Pool, ipv6Pool, noDefaultPools, ipv6Supported,
                clusterType, waitForDatastore, nodenameFile, startupTimeout, logLevel, startupEnvFile, calicoVersion,
                datastoreTypeGiven, claimsCover, naming);
    }

    /** The release profile to use before anything is read from the datastore. */
    public ReleaseProfile profileBeforeReading() {
        return ReleaseProfile.beforeReading(calicoVersion, datastore.type());
    }

    /**
     * Reads calico-node's environment (reference section e), resolving the node name with the OS host name as last
     * resort.
     *
     * @throws org.calicostartup.StartupException with reason CONFIGURATION naming the variable, its value and the
     *                                            accepted forms
     */
    public static StartupConfig fromEnvironment(Map<String, String> env) {
        return new EnvironmentParser(new EnvironmentReader(env), NodeNameResolver.system()).parse();
    }

    /** As {@link #fromEnvironment(Map)}, with the node name resolved by {@code nodeNames}. */
    public static StartupConfig fromEnvironment(Map<String, String> env, NodeNameResolver nodeNames) {
        return new EnvironmentParser(new EnvironmentReader(env), nodeNames).parse();
    }
}
