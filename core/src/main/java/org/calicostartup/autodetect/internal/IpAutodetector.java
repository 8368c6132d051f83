package org.calicostartup.autodetect.internal;

import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.autodetect.ReachProbe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calico's IP autodetection (calico-node {@code autodetection} package): interfaces are walked in reverse kernel
 * order, filtered by name, and the first global-unicast address of the wanted family wins, with the interface's
 * prefix length.
 */
public final class IpAutodetector {

    private static final Logger LOG = LoggerFactory.getLogger(IpAutodetector.class);

    /** Calico's default exclusion list for first-found and skip-interface (v3.25+, anchored). */
    public static final List<Pattern> DEFAULT_INTERFACES_TO_EXCLUDE = Arrays.stream(new String[] {
        "^docker.*", "^cbr.*", "^dummy.*", "^podman.*", "^virbr.*", "^lxcbr.*", "^veth.*", "^lo",
        "^br-.*", "^cali.*", "^tunl.*", "^flannel.*", "^kube-ipvs.*", "^cni.*",
        "^vxlan\\.calico.*", "^vxlan-v6\\.calico.*", "^wireguard\\.cali.*", "^wg-v6\\.cali.*", "^nodelocaldns.*",
    }).map(Pattern::compile).toList();

    private final InterfaceSource interfaces;
    private final ReachProbe reachProbe;

    public IpAutodetector(InterfaceSource interfaces, ReachProbe reachProbe) {
        this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
        this.reachProbe = Objects.requireNonNull(reachProbe, "reachProbe");
    }

    /**
     * This detector with the host's interfaces listed once, on first use, and that list used for every later
     * question: one startup's detection, recorded interfaces and pool choice see the same host (and {@code ip} runs
     * once instead of once per question).
     */
    public IpAutodetector snapshot() {
        return new IpAutodetector(new OnceInterfaces(interfaces), reachProbe);
    }

    /** Lists the interfaces on first use and remembers the answer, or the failure. */
    private static final class OnceInterfaces implements InterfaceSource {
        private final InterfaceSource source;
        private List<HostInterface> listed;
        private IOException failed;

        OnceInterfaces(InterfaceSource source) {
            this.source = source;
        }

        @Override
        public synchronized List<HostInterface> interfaces() throws IOException {
            if (listed == null && failed == null) {
                try {
                    listed = List.copyOf(source.interfaces());
                } catch (IOException e) {
                    failed = e;
                }
            }
            if (failed != null) {
                throw failed;
            }
            return listed;
        }
    }

    /** The host's real interfaces and routing table. */
    public static IpAutodetector system() {
        return new IpAutodetector(SystemInterfaces.INSTANCE, ReachProbe.UDP_CONNECT);
    }

    /**
     * Detects this host's address of the given family.
     *
     * @throws StartupException with reason {@link StartupException.Reason#AUTODETECTION} when none is found
     */
    public DetectedAddress detect(AutodetectionMethod method, IpFamily family) {
        return detect(method, family, DEFAULT_INTERFACES_TO_EXCLUDE);
    }

    /**
     * As {@link #detect(AutodetectionMethod, IpFamily)}, with a release's own default exclusion list (see
     * {@code ReleaseProfile.defaultInterfaceExclusions()}).
     */
    public DetectedAddress detect(AutodetectionMethod method, IpFamily family, List<Pattern> defaultExclusions) {
        LOG.debug("Autodetecting {} address with method {}", family, method.text());
        DetectedAddress detected;
        if (method instanceof AutodetectionMethod.FirstFound) {
            detected = firstFound(List.of(), defaultExclusions, address -> true, family);
        } else if (method instanceof AutodetectionMethod.Interfaces m) {
            detected = firstFound(m.patterns(), List.of(), address -> true, family);
        } else if (method instanceof AutodetectionMethod.SkipInterfaces m) {
            List<Pattern> exclude = new ArrayList<>(defaultExclusions);
            exclude.addAll(m.patterns());
            detected = firstFound(List.of(), exclude, address -> true, family);
        } else if (method instanceof AutodetectionMethod.Cidrs m) {
            detected = firstFound(List.of(), List.of(),
                    address -> m.cidrs().stream().anyMatch(c -> c.contains(address.address())), family);
        } else if (method instanceof AutodetectionMethod.CanReach m) {
            detected = reach(m.destination(), family);
        } else {
            throw new IllegalStateException("unknown method " + method);
        }
        LOG.info("Using autodetected {} address on interface {}: {}", family, detected.interfaceName(),
                detected.address());
        return detected;
    }

    /**
     * Calico's {@code GetInterfaces(nil, exclusions, families...)}: every interface whose name no exclusion matches,
     * in reverse kernel order, with its addresses of those families (interfaces without one kept).
     *
     * @throws StartupException with reason {@link StartupException.Reason#AUTODETECTION} when they cannot be listed
     */
    public List<HostInterface> interfaces(Set<IpFamily> families, List<Pattern> exclusions) {
        return filtered(List.of(), exclusions, families::contains);
    }

    /** Every address of the family on any interface, in kernel order (Calico's default-pool overlap check). */
    public List<CidrAddress> allAddresses(IpFamily family) {
        return list().stream().flatMap(nic -> nic.addresses().stream()).filter(a -> a.family() == family).toList();
    }

    /** The interface address holding {@code address}, on any interface (no exclusions), if this host has it. */
    public Optional<DetectedAddress> findLocal(InetAddress address) {
        for (HostInterface nic : list()) {
            for (CidrAddress candidate : nic.addresses()) {
                if (candidate.address().equals(address)) {
                    return Optional.of(new DetectedAddress(nic.name(), candidate));
                }
            }
        }
        return Optional.empty();
    }

    private DetectedAddress firstFound(List<Pattern> include, List<Pattern> exclude,
            Predicate<CidrAddress> accept, IpFamily family) {
        List<HostInterface> candidates = filtered(include, exclude, family);
        if (candidates.isEmpty()) {
            throw failure(family, "no valid host interfaces found");
        }
        for (HostInterface nic : candidates) {
            for (CidrAddress address : nic.addresses()) {
                if (address.isGlobalUnicast() && accept.test(address)) {
                    return new DetectedAddress(nic.name(), address);
                }
            }
        }
        throw failure(family, "no valid " + family + " addresses found on the host interfaces");
    }

    /**
     * Calico's {@code GetInterfaces}: reverse kernel order, include/exclude lists each joined into one unanchored
     * alternation, only addresses of the family kept.
     */
    private List<HostInterface> filtered(List<Pattern> include, List<Pattern> exclude, IpFamily family) {
        return filtered(include, exclude, family::equals);
    }

    private List<HostInterface> filtered(List<Pattern> include, List<Pattern> exclude, Predicate<IpFamily> families) {
        List<HostInterface> all = list();
        Optional<Pattern> includeAny = alternation(include);
        Optional<Pattern> excludeAny = alternation(exclude);
        List<HostInterface> result = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            HostInterface nic = all.get(i);
            boolean included = includeAny.map(p -> p.matcher(nic.name()).find()).orElse(true);
            boolean excluded = excludeAny.map(p -> p.matcher(nic.name()).find()).orElse(false);
            if (included && !excluded) {
                result.add(new HostInterface(nic.name(),
                        nic.addresses().stream().filter(a -> families.test(a.family())).toList()));
            }
        }
        return result;
    }

    private DetectedAddress reach(String destination, IpFamily family) {
        InetAddress target = resolve(destination, family);
        InetAddress local;
        try {
            local = reachProbe.localAddressFor(target);
        } catch (IOException e) {
            throw failure(family, "cannot reach " + destination + ": " + e.getMessage());
        }
        LOG.info("Auto-detected address by connecting to remote: IP={} Destination={}",
                CidrAddress.host(local).ip(), destination);
        for (HostInterface nic : filtered(List.of(), List.of(), family)) {
            for (CidrAddress address : nic.addresses()) {
                if (address.address().equals(local)) {
                    return new DetectedAddress(nic.name(), address);
                }
            }
        }
        throw failure(family, "autodetected " + family + " address does not match any addresses found on local "
                + "interfaces: " + CidrAddress.host(local).ip());
    }

    private static InetAddress resolve(String destination, IpFamily family) {
        Optional<InetAddress> literal = CidrAddress.parseAddress(destination);
        if (literal.isPresent()) {
            if (!family.matches(literal.get())) {
                throw failure(family, "can-reach destination " + destination + " is not an " + family + " address");
            }
            return literal.get();
        }
        try {
            return Arrays.stream(InetAddress.getAllByName(destination)).filter(family::matches).findFirst()
                    .orElseThrow(() -> failure(family, "can-reach destination " + destination + " has no "
                            + family + " address"));
        } catch (UnknownHostException e) {
            throw failure(family, "cannot resolve can-reach destination " + destination + ": " + e.getMessage());
        }
    }

    private List<HostInterface> list() {
        try {
            return interfaces.interfaces();
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.AUTODETECTION,
                    "Failed to enumerate interfaces: " + e.getMessage(), e);
        }
    }

    private static Optional<Pattern> alternation(List<Pattern> patterns) {
        if (patterns.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Pattern.compile("(" + String.join(")|(", patterns.stream().map(Pattern::pattern).toList())
                + ")"));
    }

    private static StartupException failure(IpFamily family, String why) {
        return new StartupException(StartupException.Reason.AUTODETECTION,
                "Couldn't autodetect an " + family + " address: " + why);
    }
}
