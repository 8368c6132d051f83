package org.calicostartup;

import java.util.Objects;
import java.util.Optional;

/**
 * A node's addresses as Calico stores them ({@code spec.bgp.ipv4Address}, {@code ipv6Address} in v3; {@code
 * ip_addr_v4}, {@code ip_addr_v6} with the network in 2.6): host IP with prefix length, e.g. {@code 10.0.0.11/24}
 * or {@code fd00::11/64}; either may be absent.
 */
public record NodeAddresses(Optional<String> ipv4, Optional<String> ipv6) {

    public NodeAddresses {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
    }

    /** As the startup logs them: {@code IPv4=10.0.0.11/24 IPv6=none}. */
    @Override
    public String toString() {
        return "IPv4=" + ipv4.orElse("none") + " IPv6=" + ipv6.orElse("none");
    }
}
