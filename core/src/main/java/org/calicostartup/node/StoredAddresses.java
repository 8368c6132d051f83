package org.calicostartup.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;

/** A node's addresses as stored: host IP with prefix, either may be absent. */
public record StoredAddresses(Optional<CidrAddress> ipv4, Optional<CidrAddress> ipv6) {

    public static final StoredAddresses NONE = new StoredAddresses(Optional.empty(), Optional.empty());

    public StoredAddresses {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
    }

    public Optional<CidrAddress> of(IpFamily family) {
        return family == IpFamily.V4 ? ipv4 : ipv6;
    }

    public StoredAddresses with(IpFamily family, Optional<CidrAddress> address) {
        return family == IpFamily.V4 ? new StoredAddresses(address, ipv6) : new StoredAddresses(ipv4, address);
    }

    /**
     * The addresses stored here whose IP {@code after} no longer has in the same family (a prefix change alone
     * keeps the address): the ones whose IP claims are released.
     */
    public List<CidrAddress> givenUp(StoredAddresses after) {
        List<CidrAddress> givenUp = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            of(family).filter(old -> !after.of(family).map(a -> a.address().equals(old.address())).orElse(false))
                    .ifPresent(givenUp::add);
        }
        return givenUp;
    }

    @Override
    public String toString() {
        return "IPv4=" + ipv4.map(Object::toString).orElse("none") + " IPv6="
                + ipv6.map(Object::toString).orElse("none");
    }
}
