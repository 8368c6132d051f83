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

    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates) {
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
        if (failure.isEmpty() && result.ipv4().isEmpty() && result.ipv6().isEmpty()) {
            LOG.warn("No IPv4 or IPv6 addresses configured or detected, required for Calico networking");
            failure = Optional.of(new StartupException(StartupException.Reason.AUTODETECTION,
                    "No IPv4 or IPv6 addresses configured or detected, required for Calico networking"));
        }
        boolean v4Changed = !result.ipv4().equals(stored.ipv4());
        boolean v6Changed = !result.ipv6().equals(stored.ipv6());
        if (failure.isEmpty()) {
            if (v4Changed) {
                LOG.info("Node IPv4 changed, will check for conflicts");
            } else if (v6Changed) {
                LOG.info("Node IPv6 changed, will check for conflicts");
            }
        }
        return new AddressResolution(result, v4Changed, v6Changed, failure, clear);
    }
}
