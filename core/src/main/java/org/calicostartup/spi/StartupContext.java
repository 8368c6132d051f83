package org.calicostartup.spi;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.calicostartup.StartupMode;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.node.Candidates;
import org.calicostartup.profile.ReleaseProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a datastore needs for one startup.
 *
 * @param candidates     the addresses this host offers, found before any datastore I/O
 * @param ipv6Supported  FELIX_IPV6SUPPORT and the kernel has IPv6 ({@code /proc/sys/net/ipv6})
 * @param timer          phase timings for the report
 * @param profile        the Calico release whose rules apply; before the datastore is read, the configured one or
 *                       the datastore's default ({@link #withRecordedVersion} settles it)
 * @param foreignDataCheck asked before an etcd v3 startup initialises a cluster (no ClusterInformation yet) when
 *                       nothing chose the datastore: throws if the cluster's Calico data lives elsewhere
 */
public record StartupContext(StartupConfig config, StartupMode mode, Candidates candidates,
        IpAutodetector autodetector, boolean ipv6Supported, Clock clock, Deadline deadline, IoStats stats,
        PhaseTimer timer, ReleaseProfile profile, Runnable foreignDataCheck) {

    public StartupContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(autodetector, "autodetector");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(foreignDataCheck, "foreignDataCheck");
    }

    /**
     * The context for the release the cluster records ({@code recorded}, if any): the profile resolved as
     * {@link ReleaseProfile#resolve} says, the node named as that release names it, and the candidates found again
     * when that release detects addresses differently. The same context when nothing changes.
     *
     * @throws org.calicostartup.StartupException with reason CONFIGURATION when that release's name for this node is
     *                                            not valid (nothing has been written)
     */
    public StartupContext withRecordedVersion(Optional<String> recorded) {
        ReleaseProfile resolved = ReleaseProfile.resolve(config.calicoVersion(), recorded, config.datastore().type());
        if (resolved.equals(profile)) {
            return this;
        }
        LOG.info("Reproducing calico-node {} (the version this cluster records)", resolved.release());
        StartupConfig named = resolved.naming() == profile.naming() ? config : config.namedFor(resolved);
        Candidates found = resolved.detectsLike(profile, config.node()) ? candidates
                : Candidates.find(config.node(), autodetector, resolved);
        return new StartupContext(named, mode, found, autodetector, ipv6Supported, clock, deadline, stats, timer,
                resolved, foreignDataCheck);
    }

    private static final Logger LOG = LoggerFactory.getLogger(StartupContext.class);

    public String nodeName() {
        return config.node().name().value();
    }
}
