package org.calicostartup.node;

import java.util.Objects;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node v3's {@code configureIPsAndSubnets}: which addresses the node gets from its settings, what is stored
 * and what this host offers, and whether they changed (a plain comparison of {@code ip/prefix}, v3.2+), which is
 * what makes the conflict check run.
 *
 * @param addresses        the addresses to store
 * @param changed          whether either address differs from the stored one
 * @param failure          when present, startup fails with it; if {@code clearBeforeFailing}, {@code addresses}
 *                         (with the failed family cleared) are written first, as calico-node does
 */
public record AddressResolution(StoredAddresses addresses, boolean ipv4Changed, boolean ipv6Changed,
        Optional<StartupException> failure, boolean clearBeforeFailing) {

    private static final Logger LOG = LoggerFactory.getLogger(AddressResolution.class);

    static final String AUTODETECT_FAILED = "Couldn't autodetect an %s address. If auto-detecting, choose a "
            + "different autodetection method. Otherwise provide an explicit address.";

    public AddressResolution {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(failure, "failure");
    }

    public boolean changed() {
        return ipv4Changed || ipv6Changed;
    }

    /** Whose rules: calico-node 2.6 (etcd v2) or v3. */
    public enum Rules {
        /**
         * calico-node 2.6: a failed autodetection keeps an existing address; the change test compares IPs only
         * (prefix ignored), and an IPv6 address counts as changed only when one is set.
         */
        CALICO_2_6,
        /**
         * calico-node v3.2+: a failed autodetection clears the address and fails; {@code ip/prefix} compared as
         * strings; no address at all is an error (v3.17+).
         */
        CALICO_3
    }

    /** calico-node v3's rules. */
    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates) {
        return resolve(settings, stored, candidates, Rules.CALICO_3);
    }

    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates,
            Rules rules) {
        if (!settings.configuresNetworking()) {
            return new AddressResolution(stored, false, false, Optional.empty(), false);
        }
        StoredAddresses result = stored;
        Optional<StartupException> failure = Optional.empty();
        boolean clear = false;
        for (IpFamily family : IpFamily.values()) {
            AddressSetting setting = family == IpFamily.V4 ? settings.ipv4() : settings.ipv6();
            Candidates.Candidate candidate = candidates.of(family);
            Optional<CidrAddress> old = stored.of(family);
            boolean wantsDetection = setting.mode() == AddressSetting.Mode.AUTODETECT
                    || setting.mode() == AddressSetting.Mode.FIXED
                    || (setting.mode() == AddressSetting.Mode.KEEP && family == IpFamily.V4 && old.isEmpty());
            if (!wantsDetection) {
                continue;
            }
            if (candidate.address().isPresent()) {
                result = result.with(family, candidate.address());
                continue;
            }
            StartupException cause = candidate.failure().orElseGet(() ->
                    new StartupException(StartupException.Reason.AUTODETECTION, "no candidate address"));
            if (rules == Rules.CALICO_2_6 && old.isPresent()) {
                LOG.warn("Autodetection of {} address failed, keeping existing value: {}", family, old.get());
                continue;
            }
            LOG.warn(String.format(AUTODETECT_FAILED, family));
            if (failure.isEmpty()) {
                failure = Optional.of(new StartupException(StartupException.Reason.AUTODETECTION,
                        String.format(AUTODETECT_FAILED, family) + " (" + cause.getMessage() + ")", cause));
            }
            if (old.isPresent()) {
                LOG.warn("Clearing out-of-date {} address from this node", family);
                result = result.with(family, Optional.empty());
                clear = true;
            }
        }
        if (rules == Rules.CALICO_3 && failure.isEmpty() && result.ipv4().isEmpty() && result.ipv6().isEmpty()) {
            LOG.warn("No IPv4 or IPv6 addresses configured or detected, required for Calico networking");
            failure = Optional.of(new StartupException(StartupException.Reason.AUTODETECTION,
                    "No IPv4 or IPv6 addresses configured or detected, required for Calico networking"));
        }
        boolean v4Changed;
        boolean v6Changed;
        if (rules == Rules.CALICO_3) {
            v4Changed = !result.ipv4().equals(stored.ipv4());
            v6Changed = !result.ipv6().equals(stored.ipv6());
        } else {
            v4Changed = stored.ipv4().isEmpty() || !sameIp(result.ipv4(), stored.ipv4());
            v6Changed = (stored.ipv6().isEmpty() && result.ipv6().isPresent())
                    || (stored.ipv6().isPresent() && !sameIp(result.ipv6(), stored.ipv6()));
        }
        if (failure.isEmpty()) {
            if (v4Changed) {
                LOG.info("Node IPv4 changed, will check for conflicts");
            } else if (v6Changed) {
                LOG.info("Node IPv6 changed, will check for conflicts");
            }
        }
        return new AddressResolution(result, v4Changed, v6Changed, failure, clear);
    }

    private static boolean sameIp(Optional<CidrAddress> a, Optional<CidrAddress> b) {
        return a.map(CidrAddress::address).equals(b.map(CidrAddress::address));
    }
}
