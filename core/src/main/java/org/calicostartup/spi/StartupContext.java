package org.calicostartup.spi;

import java.time.Clock;
import java.util.Objects;
import org.calicostartup.StartupMode;
import org.calicostartup.autodetect.IpAutodetector;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.node.Candidates;

/**
 * Everything a datastore needs for one startup.
 *
 * @param candidates     the addresses this host offers, found before any datastore I/O
 * @param ipv6Supported  FELIX_IPV6SUPPORT and the kernel has IPv6 ({@code /proc/sys/net/ipv6})
 * @param timer          phase timings for the report
 */
public record StartupContext(StartupConfig config, StartupMode mode, Candidates candidates,
        IpAutodetector autodetector, boolean ipv6Supported, Clock clock, Deadline deadline, IoStats stats,
        PhaseTimer timer) {

    public StartupContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(autodetector, "autodetector");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(timer, "timer");
    }

    public String nodeName() {
        return config.node().name().value();
    }
}
