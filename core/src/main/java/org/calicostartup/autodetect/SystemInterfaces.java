package org.calicostartup.autodetect;

import java.io.IOException;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.calicostartup.net.CidrAddress;

/** The host's real interfaces, from {@link NetworkInterface}, sorted by interface index like the kernel lists them. */
public final class SystemInterfaces implements InterfaceSource {

    public static final SystemInterfaces INSTANCE = new SystemInterfaces();

    private SystemInterfaces() {
    }

    @Override
    public List<HostInterface> interfaces() throws IOException {
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
