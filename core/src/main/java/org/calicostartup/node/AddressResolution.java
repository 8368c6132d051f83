package org.calicostartup.node;

import java.util.Objects;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.profile.ReleaseProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node's {@code configureIPsAndSubnets}: which addresses the node gets from its settings, what is stored
 * and what this host offers, and whether they changed, which is what makes the conflict check run.
 *
 * <p>When autodetection fails for a family that already has a stored address, every release keeps that address
 * ("Autodetection of IPv4 address failed, keeping existing value", node/pkg/lifecycle/startup/startup.go@v3.22.1,
 * calico_node/startup/startup.go@v2.6.12 and @v3.0.1); only a family with nothing stored fails.
 *
 * @param addresses        the addresses to store
 * @param ipv4Changed      whether the IPv4 address differs from the stored one
 * @param ipv6Changed      whether the IPv6 address differs from the stored one
 * @param failure          when present, startup fails with it (and writes nothing, but see
 *                         {@code ReleaseProfile.clearsAutodetectedAddressesOnFailure})
 * @param failedFamily     the family whose autodetection failed, when that is the failure: calico-node's
 *                         {@code configureIPsAndSubnets} returns there, having configured the families before it
 */
public record AddressResolution(StoredAddresses addresses, boolean ipv4Changed, boolean ipv6Changed,
        Optional<StartupException> failure, Optional<IpFamily> failedFamily) {

    private static final Logger LOG = LoggerFactory.getLogger(AddressResolution.class);

    static final String AUTODETECT_FAILED = "Couldn't autodetect an %s address. If auto-detecting, choose a "
            + "different autodetection method. Otherwise provide an explicit address.";

    public AddressResolution {
        Objects.requireNonNull(addresses, "addresses");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(failedFamily, "failedFamily");
    }

    /**
     * The addresses calico-node's node holds when its {@code configureIPsAndSubnets} fails at {@link #failedFamily}:
     * the families before it configured, that one and the ones after as stored.
     */
    public StoredAddresses whenFailed(StoredAddresses stored) {
        IpFamily failed = failedFamily.orElseThrow();
        return failed == IpFamily.V4 ? stored : stored.with(IpFamily.V4, addresses.ipv4());
    }

    public boolean changed() {
        return ipv4Changed || ipv6Changed;
    }

    /** Whose rules: calico-node 2.6 (etcd v2) or v3. */
    public enum Rules {
        /** calico-node 2.6: the change test compares IPs only (prefix ignored); IPv6 counts only when one is set. */
        CALICO_2_6,
        /** calico-node v3: {@code ip/prefix} compared as strings; no address at all is an error (see {@code NoAddress}). */
        CALICO_3
    }

    /** calico-node v3's rules. */
    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates) {
        return resolve(settings, stored, candidates, Rules.CALICO_3);
    }

    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates,
            Rules rules) {
        return resolve(settings, stored, candidates, rules, ReleaseProfile.PolicyOnly.SKIPS_ADDRESSES);
    }

    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates,
            Rules rules, ReleaseProfile.PolicyOnly policyOnly) {
        return resolve(settings, stored, candidates, rules, policyOnly, ReleaseProfile.NoAddress.NONE_FAILS);
    }

    /**
     * With {@code policyOnly}: what the release does with the addresses when the backend is {@code none}; and
     * {@code noAddress}: when it refuses a node without addresses.
     */
    public static AddressResolution resolve(NodeSettings settings, StoredAddresses stored, Candidates candidates,
            Rules rules, ReleaseProfile.PolicyOnly policyOnly, ReleaseProfile.NoAddress noAddressRule) {
        if (!policyOnly.configuresAddresses(settings)) {
            return new AddressResolution(stored, false, false, Optional.empty(), Optional.empty());
        }
        StoredAddresses result = stored;
        Optional<StartupException> failure = Optional.empty();
        Optional<IpFamily> failedFamily = Optional.empty();
        for (IpFamily family : IpFamily.values()) {
            AddressSetting setting = family == IpFamily.V4 ? settings.ipv4() : settings.ipv6();
            Candidates.Candidate candidate = candidates.of(family);
            Optional<CidrAddress> old = stored.of(family);
            if (setting.mode() == AddressSetting.Mode.NONE && old.isPresent()) {
                LOG.info("Autodetection for {} disabled, keeping existing value: {}", family, old.get());
            }
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
            Optional<StartupException> invalid = candidate.failure()
                    .filter(e -> e.reason() == StartupException.Reason.CONFIGURATION);
            if (invalid.isPresent()) {
                // A method this release does not have: calico-node terminates as it tries it, nothing cleared.
                failure = failure.or(() -> invalid);
                continue;
            }
            if (old.isPresent()) {
                LOG.warn("Autodetection of {} address failed, keeping existing value: {}", family, old.get());
                continue;
            }
            StartupException cause = candidate.failure().orElseGet(() ->
                    new StartupException(StartupException.Reason.AUTODETECTION, "no candidate address"));
            LOG.warn(String.format(AUTODETECT_FAILED, family));
            if (failure.isEmpty()) {
                failure = Optional.of(new StartupException(StartupException.Reason.AUTODETECTION,
                        String.format(AUTODETECT_FAILED, family) + " (" + cause.getMessage() + ")", cause));
                failedFamily = Optional.of(family);
            }
        }
        boolean empty = result.ipv4().isEmpty() && result.ipv6().isEmpty();
        boolean ipNone = settings.ipv4().mode() == AddressSetting.Mode.NONE
                && (settings.ipv6().mode() == AddressSetting.Mode.KEEP
                        || settings.ipv6().mode() == AddressSetting.Mode.NONE);
        boolean noAddress = rules == Rules.CALICO_3 && failure.isEmpty() && empty
                && noAddressRule == ReleaseProfile.NoAddress.NONE_FAILS;
        if (rules == Rules.CALICO_3 && failure.isEmpty() && ipNone
                && (noAddressRule == ReleaseProfile.NoAddress.IP_NONE_FAILS
                        || noAddressRule == ReleaseProfile.NoAddress.IP_NONE_FAILS_WITHOUT_STORED && empty)) {
            LOG.warn("No IP Addresses configured, and autodetection is not enabled");
            failure = Optional.of(new StartupException(StartupException.Reason.AUTODETECTION,
                    "No IP Addresses configured, and autodetection is not enabled (IP=none"
                            + (settings.ipv6().mode() == AddressSetting.Mode.NONE ? ", IP6=none" : ", IP6 unset")
                            + (empty ? "" : "; calico-node refuses this whatever the node has stored") + ")"));
        } else if (noAddress && !settings.configuresNetworking() && policyOnly.noneNeeded()) {
            String said = "No IPv4 or IPv6 addresses configured or detected. Some features may not work properly.";
            if (policyOnly == ReleaseProfile.PolicyOnly.CONFIGURES_ADDRESSES_NONE_NEEDED_WARNS) {
                LOG.warn(said);
            } else {
                LOG.info(said);
            }
        } else if (noAddress) {
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
        return new AddressResolution(result, v4Changed, v6Changed, failure, failedFamily);
    }

    private static boolean sameIp(Optional<CidrAddress> a, Optional<CidrAddress> b) {
        return a.map(CidrAddress::address).equals(b.map(CidrAddress::address));
    }
}
