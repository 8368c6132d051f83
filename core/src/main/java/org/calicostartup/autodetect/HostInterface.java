package org.calicostartup.autodetect;

import java.util.List;
import java.util.Objects;
import org.calicostartup.net.CidrAddress;

/**
 * A network interface of the host with its addresses, each as host IP plus the interface's prefix length
 * ({@code 10.0.0.11/24}), in the order the kernel lists them.
 */
public record HostInterface(String name, List<CidrAddress> addresses) {

    public HostInterface {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
    }

    public static HostInterface of(String name, String... addresses) {
        return new HostInterface(name, java.util.Arrays.stream(addresses)
                .map(a -> CidrAddress.parse(a).orElseThrow(() -> new IllegalArgumentException("not a CIDR: " + a)))
                .toList());
    }
}
