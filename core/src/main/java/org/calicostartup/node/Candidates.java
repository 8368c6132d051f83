package org.calicostartup.node;

import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.autodetect.internal.DetectedAddress;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.profile.ReleaseProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses this host offers, found locally before anything is read from the datastore, so that the datastore
 * read can already include their IP claims. With {@code IP} unset, IPv4 is detected speculatively: it is used only
 * if the stored node has no IPv4 address, and a failure matters only then. The host's interfaces as the release
 * records them in the node ({@link NodeInterfaces}) are listed with them.
 */
public record Candidates(Candidate ipv4, Candidate ipv6, NodeInterfaces interfaces) {

    private static final Logger LOG = LoggerFactory.getLogger(Candidates.class);

    /** Addresses only; no interfaces recorded. */
    public Candidates(Candidate ipv4, Candidate ipv6) {
        this(ipv4, ipv6, NodeInterfaces.NOT_RECORDED);
    }

    /** One family's candidate: an address, or the reason there is none. */
    public record Candidate(Optional<CidrAddress> address, Optional<StartupException> failure) {
        static final Candidate NONE = new Candidate(Optional.empty(), Optional.empty());

        static Candidate of(CidrAddress address) {
            return new Candidate(Optional.of(address), Optional.empty());
        }

        static Candidate failed(StartupException failure) {
            return new Candidate(Optional.empty(), Optional.of(failure));
        }
    }

    /** Whether both offer the same IPs (prefixes and failures aside): the same IP claims apply. */
    public boolean sameAddresses(Candidates other) {
        return ipv4.address().map(CidrAddress::address).equals(other.ipv4.address().map(CidrAddress::address))
                && ipv6.address().map(CidrAddress::address).equals(other.ipv6.address().map(CidrAddress::address));
    }

    public Candidate of(IpFamily family) {
        return family == IpFamily.V4 ? ipv4 : ipv6;
    }

    /** Detects or takes from the environment each family's address, as far as the settings ask for one. */
    public static Candidates find(NodeSettings node, IpAutodetector detector, ReleaseProfile profile) {
        if (!profile.configuresAddresses(node)) {
            return new Candidates(Candidate.NONE, Candidate.NONE);
        }
        return new Candidates(candidate(node.ipv4(), node.ipv4Method(), IpFamily.V4, detector, profile),
                candidate(node.ipv6(), node.ipv6Method(), IpFamily.V6, detector, profile),
                NodeInterfaces.find(node, detector, profile));
    }

    private static Candidate candidate(AddressSetting setting, AutodetectionMethod method, IpFamily family,
            IpAutodetector detector, ReleaseProfile profile) {
        switch (setting.mode()) {
            case FIXED:
                return Candidate.of(fromEnvironment(setting, family, detector, profile));
            case AUTODETECT:
                return detect(method, family, detector, profile);
            case KEEP:
                return family == IpFamily.V4 ? detect(method, family, detector, profile) : Candidate.NONE;
            default:
                return Candidate.NONE;
        }
    }

    private static Candidate detect(AutodetectionMethod method, IpFamily family, IpAutodetector detector,
            ReleaseProfile profile) {
        if (method instanceof AutodetectionMethod.Cidrs && !profile.supportsCidrAutodetection()) {
            // A configuration error, not a failed detection: calico-node terminates at once (nothing cleared).
            return Candidate.failed(StartupException.invalidValue(family == IpFamily.V4 ? "IP_AUTODETECTION_METHOD"
                    : "IP6_AUTODETECTION_METHOD", method.text(), "first-found, interface=, skip-interface= or "
                    + "can-reach=; cidr= exists from Calico v3.16, and this startup reproduces " + profile.release()));
        }
        try {
            return Candidate.of(detector.detect(method, family, profile.defaultInterfaceExclusions()).address());
        } catch (StartupException e) {
            return Candidate.failed(e);
        }
    }

    /**
     * calico-node's handling of a literal IP/IP6, including v3.18's prefix borrowing (a bare address is a /32 or
     * /128 before) and its validation log.
     */
    private static CidrAddress fromEnvironment(AddressSetting setting, IpFamily family, IpAutodetector detector,
            ReleaseProfile profile) {
        CidrAddress address = setting.address().orElseThrow();
        String variable = family == IpFamily.V4 ? "IP" : "IP6";
        LOG.info("Using {} address from environment: {}={}", family, variable, setting.prefixGiven()
                ? address.toString() : address.ip());
        if (!address.isGlobalUnicast()) {
            // calico-node takes any address of the family here (parseIPEnvironment and the cidrv4/cidrv6 validators,
            // node/pkg/lifecycle/startup/startup.go and libcalico-go/lib/validator/v3/validator.go @v3.22.1), and so
            // does calico-startup; autodetection never picks one.
            LOG.warn("{}={} is not a global unicast address (unspecified, loopback, link-local, multicast or "
                    + "broadcast): it is registered as given, as calico-node does, but other nodes cannot peer with it",
                    variable, address.ip());
        }
        Optional<DetectedAddress> local;
        try {
            local = detector.findLocal(address.address());
        } catch (StartupException e) {
            local = Optional.empty();
        }
        if (local.isPresent()) {
            LOG.info("{} address {} discovered on interface {}", family, address.ip(), local.get().interfaceName());
            if (!setting.prefixGiven() && family == IpFamily.V4 && profile.bareIpv4BorrowsInterfacePrefix()) {
                LOG.info("Including CIDR information from host interface: {}", local.get().address());
                return local.get().address();
            }
        } else {
            LOG.warn("Unable to confirm {} address {} is assigned to this host", family, address.ip());
        }
        return address;
    }
}
