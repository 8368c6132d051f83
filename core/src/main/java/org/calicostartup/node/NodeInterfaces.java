package org.calicostartup.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.calicostartup.StartupException;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.IpFamily;
import org.calicostartup.profile.ReleaseProfile;

/**
 * The node's {@code spec.interfaces} as calico-node v3.31+ writes it ({@code configureIPsAndSubnets},
 * node/pkg/lifecycle/startup/startup.go@v3.31.0, @v3.32.1): every host interface outside the release's default
 * exclusions ({@code GetInterfaces} with {@code DEFAULT_INTERFACES_TO_EXCLUDE}, interfaces without an address kept),
 * sorted by name, each with its addresses — no prefix, in the kernel's order, link-local ones included — of the
 * families {@code IP} and {@code IP6} configure (set, and not {@code none}); neither configured, no interfaces.
 *
 * @param recorded whether this release writes the field; when not, a stored value is left as it is
 * @param entries  the interfaces to store (none: the field is removed)
 * @param failure  when the interfaces could not be listed: calico-node's {@code configureIPsAndSubnets} fails
 */
public record NodeInterfaces(boolean recorded, List<Entry> entries, Optional<StartupException> failure) {

    /** Not written by this release, or this backend configures no addresses. */
    public static final NodeInterfaces NOT_RECORDED = new NodeInterfaces(false, List.of(), Optional.empty());

    /** One interface: its name and addresses, as stored ({@code "addresses"} is left out when there are none). */
    public record Entry(String name, List<String> addresses) {
        public Entry {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }
    }

    public NodeInterfaces {
        entries = List.copyOf(entries);
        Objects.requireNonNull(failure, "failure");
    }

    /** What {@code profile}'s calico-node would record for {@code node} on this host. */
    public static NodeInterfaces find(NodeSettings node, IpAutodetector detector, ReleaseProfile profile) {
        if (!profile.recordsNodeInterfaces() || !profile.configuresAddresses(node)) {
            return NOT_RECORDED;
        }
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        if (configured(node.ipv4())) {
            families.add(IpFamily.V4);
        }
        if (configured(node.ipv6())) {
            families.add(IpFamily.V6);
        }
        if (families.isEmpty()) {
            return new NodeInterfaces(true, List.of(), Optional.empty());
        }
        List<HostInterface> found;
        try {
            found = new ArrayList<>(detector.interfaces(families, profile.defaultInterfaceExclusions()));
        } catch (StartupException e) {
            return new NodeInterfaces(true, List.of(), Optional.of(e));
        }
        found.sort(Comparator.comparing(HostInterface::name));
        return new NodeInterfaces(true, found.stream().map(nic -> new Entry(nic.name(),
                nic.addresses().stream().map(a -> a.ip()).toList())).toList(), Optional.empty());
    }

    /** {@code IP}/{@code IP6} set to something other than {@code none}. */
    private static boolean configured(AddressSetting setting) {
        return setting.mode() == AddressSetting.Mode.AUTODETECT || setting.mode() == AddressSetting.Mode.FIXED;
    }

    /** Whether storing these changes what {@code stored} (the node's current {@code spec.interfaces}) holds. */
    public boolean changes(List<Entry> stored) {
        return recorded && failure.isEmpty() && !entries.equals(stored);
    }
}
