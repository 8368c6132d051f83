package org.calicostartup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.autodetect.ReachProbe;
import org.calicostartup.autodetect.internal.SystemInterfaces;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.node.Candidates;
import org.calicostartup.node.NodenameFile;
import org.calicostartup.node.StartupEnvFile;
import org.calicostartup.profile.CalicoRelease;
import org.calicostartup.profile.ReleaseProfile;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.DatastoreProvider;
import org.calicostartup.spi.Deadline;
import org.calicostartup.spi.IoStats;
import org.calicostartup.spi.PhaseTimer;
import org.calicostartup.spi.StartupContext;
import org.calicostartup.spi.StartupOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this node in Calico's datastore, as {@code calico-node -startup} does.
 *
 * <pre>{@code
 * StartupConfig config = StartupConfig.fromEnvironment(System.getenv());
 * StartupReport report = NodeStartup.builder(config).build().run();
 * }</pre>
 *
 * Synchronous; the whole run is bounded by {@link StartupConfig#startupTimeout()} and every datastore call by the
 * request timeout. Failures are {@link StartupException}s whose reason says what kind of failure it was.
 */
public final class NodeStartup {

    private static final Logger LOG = LoggerFactory.getLogger(NodeStartup.class);
    private static final Path PROC_IPV6 = Path.of("/proc/sys/net/ipv6");
    private static final Duration MAX_WAIT_BACKOFF = Duration.ofSeconds(5);

    private final StartupConfig config;
    private final StartupMode mode;
    private final IpAutodetector autodetector;
    private final Clock clock;
    private final Optional<Datastore> datastore;
    private final IoStats stats;

    private NodeStartup(Builder builder) {
        this.config = builder.config;
        this.mode = builder.mode;
        this.autodetector = new IpAutodetector(builder.interfaces, builder.reachProbe);
        this.clock = builder.clock;
        this.datastore = Optional.ofNullable(builder.datastore);
        this.stats = builder.stats;
    }

    public static Builder builder(StartupConfig config) {
        return new Builder(config);
    }

    /** Runs the startup; returns what it did, or throws {@link StartupException}. */
    public StartupReport run() {
        Deadline deadline = Deadline.after(config.startupTimeout());
        PhaseTimer timer = new PhaseTimer();
        String name = config.node().name().value();
        LOG.info("Starting node {} on {} at {} ({} mode, deadline {} s)", name, config.datastore().type().envValue(),
                config.datastore().endpointList(), mode, config.startupTimeout().toSeconds());
        ReleaseProfile profile = config.profileBeforeReading();
        // Opened first: a datastore may connect while the addresses are detected (etcd v3 does).
        Datastore store = datastore.orElseGet(() -> provider(config.datastore().type()).open(config.datastore()));
        // One look at the host's interfaces for this run: detection, spec.interfaces and the default pool agree.
        IpAutodetector detector = autodetector.snapshot();
        Candidates candidates;
        try {
            candidates = timer.time("autodetect", () -> Candidates.find(config.node(), detector, profile));
        } catch (RuntimeException e) {
            if (datastore.isEmpty()) {
                store.close();
            }
            throw e;
        }
        boolean ipv6Supported = config.ipv6Supported() && Files.isDirectory(PROC_IPV6);
        StartupContext context = new StartupContext(config, mode, candidates, detector, ipv6Supported, clock,
                deadline, stats, timer, profile, () -> refuseForeignLayout(deadline));
        try {
            StartupOutcome registered = startWaitingIfAsked(store, context);
            timer.time("files", () -> {
                writeFiles(registered.nodeName(), registered.calicoRelease());
                return null;
            });
            // The report is built once, here, for every datastore: phase times, I/O and elapsed time belong to the
            // whole run (waiting and files included).
            StartupReport report = new StartupReport(registered.nodeName(), config.datastore().type(), mode,
                    addresses(registered.before()), addresses(registered.after()), registered.nodeCreated(), registered.created(), registered.updated(),
                    registered.conflictCheckRan(), registered.conflicts(), timer.phases(), stats.snapshot(),
                    registered.retries(), deadline.elapsed(), registered.calicoRelease());
            LOG.info("Startup complete: {}", report.summary());
            LOG.info("Using node name: {}", registered.nodeName());
            return report;
        } catch (StartupException e) {
            LOG.warn("Startup of node {} failed after {} ms: {}", name, deadline.elapsed().toMillis(), e.getMessage());
            throw e;
        } finally {
            if (datastore.isEmpty()) {
                store.close();
            }
        }
    }

    private static NodeAddresses addresses(org.calicostartup.node.StoredAddresses stored) {
        return new NodeAddresses(stored.ipv4().map(Object::toString), stored.ipv6().map(Object::toString));
    }

    /**
     * The files calico-node's later steps read, written in one place for every datastore, as the reproduced release
     * does: {@code startup.env} (2.6, v3.0) or the nodename file (v3.1 and later; v3.1–v3.3 always the default one).
     */
    private void writeFiles(String name, String calicoRelease) {
        ReleaseProfile profile = ReleaseProfile.of(CalicoRelease.parse(calicoRelease).orElseThrow());
        if (profile.writesStartupEnv()) {
            StartupEnvFile.write(config.startupEnvFile(), name);
        } else {
            NodenameFile.write(config.naming().nodenameFile(profile.naming()), name);
        }
    }

    /** With WAIT_FOR_DATASTORE=true, an unreachable datastore is retried with bounded backoff until the deadline. */
    private StartupOutcome startWaitingIfAsked(Datastore store, StartupContext context) {
        if (!config.waitForDatastore()) {
            LOG.info("Skipping datastore connection test");
            return store.start(context);
        }
        org.calicostartup.internal.Backoff backoff = org.calicostartup.internal.Backoff.exponential(
                Duration.ofMillis(500), MAX_WAIT_BACKOFF);
        for (int attempt = 1; ; attempt++) {
            try {
                return store.start(context);
            } catch (StartupException e) {
                Duration remaining = context.deadline().remaining();
                if (e.reason() != StartupException.Reason.DATASTORE_UNAVAILABLE
                        || remaining.compareTo(backoff.next()) <= 0) {
                    throw e;
                }
                LOG.warn("Hit error connecting to datastore - retry in {} ms (attempt {}, {} ms left): {}",
                        backoff.next().toMillis(), attempt, remaining.toMillis(), e.getMessage());
                backoff.pause(context.deadline());
            }
        }
    }

    /**
     * With neither {@code DATASTORE_TYPE} nor {@code CALICO_STARTUP_CALICO_VERSION} set, an etcd v3 startup about to
     * initialise a cluster (no ClusterInformation yet) first looks for Calico 2.x data in etcd's v2 keyspace — a
     * calico-node 2.6 manifest dropped in unchanged sets only the etcd variables — and refuses rather than write
     * Calico v3 resources beside a running Calico 2.6 cluster. Nothing has been written when it refuses.
     */
    private void refuseForeignLayout(Deadline deadline) {
        if (config.datastoreTypeGiven() || config.datastore().type() != DatastoreType.ETCDV3) {
            return;
        }
        Optional<DatastoreProvider> v2 = findProvider(DatastoreType.ETCDV2);
        if (v2.isEmpty()) {
            LOG.warn("DATASTORE_TYPE is unset and the etcd v2 adapter is not on the class path: cannot check "
                    + "whether this etcd holds Calico 2.x data; set DATASTORE_TYPE to say which it is");
            return;
        }
        org.calicostartup.config.DatastoreConfig v2Config = new org.calicostartup.config.DatastoreConfig(
                DatastoreType.ETCDV2, config.datastore().endpoints(), config.datastore().tls(),
                config.datastore().credentials(), config.datastore().requestTimeout());
        Optional<String> recorded;
        try (Datastore store = v2.get().open(v2Config)) {
            recorded = store.recordedCalicoVersion(deadline);
        } catch (StartupException e) {
            LOG.info("No Calico 2.x data found in etcd's v2 keyspace ({})", e.getMessage());
            return;
        }
        if (recorded.isPresent()) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "DATASTORE_TYPE is unset, and this "
                    + "etcd holds no Calico v3 data but Calico " + (recorded.get().isEmpty() ? "2.x"
                    : recorded.get()) + " data in its v2 keyspace (/calico/v1/config/CalicoVersion): nothing was "
                    + "written. Set DATASTORE_TYPE=etcdv2 (or CALICO_STARTUP_CALICO_VERSION to the 2.6 release "
                    + "you run) to register in that cluster, or DATASTORE_TYPE=etcdv3 to start a Calico v3 one");
        }
    }

    /** Opens the datastore {@code config} names, through its {@link DatastoreProvider}. */
    public static Datastore openDatastore(org.calicostartup.config.DatastoreConfig config) {
        return provider(config.type()).open(config);
    }

    private static Optional<DatastoreProvider> findProvider(DatastoreType type) {
        for (DatastoreProvider provider : ServiceLoader.load(DatastoreProvider.class)) {
            if (provider.type() == type) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    private static DatastoreProvider provider(DatastoreType type) {
        return findProvider(type).orElseThrow(() -> new StartupException(StartupException.Reason.CONFIGURATION, "DATASTORE_TYPE=" + type.envValue()
                + " needs its module on the class path"
                + (type == DatastoreType.ETCDV2 ? " (org.calicostartup:calico-startup-etcdv2-adapter)" : "")));
    }

    /** Options for embedding: where interfaces come from, which clock, which mode, an already open datastore. */
    public static final class Builder {
        private final StartupConfig config;
        private StartupMode mode = StartupMode.FAST;
        private InterfaceSource interfaces = SystemInterfaces.INSTANCE;
        private ReachProbe reachProbe = ReachProbe.UDP_CONNECT;
        private Clock clock = Clock.systemUTC();
        private Datastore datastore;
        private IoStats stats = new IoStats();

        private Builder(StartupConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder mode(StartupMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Where the host's interfaces come from (default: the real ones). */
        public Builder interfaces(InterfaceSource interfaces) {
            this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
            return this;
        }

        public Builder reachProbe(ReachProbe reachProbe) {
            this.reachProbe = Objects.requireNonNull(reachProbe, "reachProbe");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Use this datastore (kept open afterwards) instead of opening one for the configured type. */
        public Builder datastore(Datastore datastore) {
            this.datastore = Objects.requireNonNull(datastore, "datastore");
            return this;
        }

        /**
         * Counters to use, so a caller can watch progress while the startup runs (a health endpoint, a progress
         * line); the report still carries only what this run did if the counters start fresh.
         */
        public Builder ioStats(IoStats stats) {
            this.stats = Objects.requireNonNull(stats, "stats");
            return this;
        }

        public NodeStartup build() {
            return new NodeStartup(this);
        }
    }
}
