package org.calicostartup.autodetect.internal;

import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;

import java.io.IOException;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.calicostartup.net.CidrAddress;

/**
 * The host's real interfaces: in netlink order through {@link IpCommandInterfaces} where the host has iproute2's
 * {@code ip} (as Calico reads them), else from {@link NetworkInterface} sorted by interface index — whose address
 * order within an interface can differ from Calico's, which is said once at WARN.
 */
public final class SystemInterfaces implements InterfaceSource {

    public static final SystemInterfaces INSTANCE = new SystemInterfaces();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SystemInterfaces.class);

    private final java.util.Optional<IpCommandInterfaces> ip = IpCommandInterfaces.find();
    private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

    private SystemInterfaces() {
    }

    @Override
    public List<HostInterface> interfaces() throws IOException {
        if (ip.isPresent()) {
            return ip.get().interfaces();
        }
        if (warned.compareAndSet(false, true)) {
            LOG.warn("No iproute2 'ip' command on this host: reading interfaces through Java, whose address order "
                    + "within an interface may differ from Calico's (install iproute2 for netlink order)");
        }
        return fromJava();
    }

    /** Java's view of the interfaces, sorted by index. */
    static List<HostInterface> fromJava() throws IOException {
        List<NetworkInterface> system = new ArrayList<>(NetworkInterface.networkInterfaces().toList());
        system.sort(Comparator.comparingInt(NetworkInterface::getIndex));
        List<HostInterface> result = new ArrayList<>(system.size());
        for (NetworkInterface nic : system) {
            List<CidrAddress> addresses = new ArrayList<>();
            for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                addresses.add(new CidrAddress(withoutScope(address), address.getNetworkPrefixLength()));
            }
            result.add(new HostInterface(nic.getName(), addresses));
        }
        return result;
    }

    private static java.net.InetAddress withoutScope(InterfaceAddress address) throws IOException {
        // Link-local IPv6 addresses carry a scope id; Calico compares bare IPs.
        return java.net.InetAddress.getByAddress(address.getAddress().getAddress());
    }
}
