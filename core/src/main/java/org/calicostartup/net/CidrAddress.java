package org.calicostartup.net;

import com.google.common.net.InetAddresses;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An IP address with a prefix length, as Calico stores a node address: the host IP is kept, not masked
 * ({@code 10.0.0.11/24}). {@link #network()} gives the masked form ({@code 10.0.0.0/24}) that Calico 2.6 stores as
 * {@code network_v4} and that pools use.
 */
public record CidrAddress(InetAddress address, int prefixLength) {

    public CidrAddress {
        Objects.requireNonNull(address, "address");
        int bits = IpFamily.of(address).bits();
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + bits);
        }
    }

    /** A bare address as a host route: /32 for IPv4, /128 for IPv6. */
    public static CidrAddress host(InetAddress address) {
        return new CidrAddress(address, IpFamily.of(address).bits());
    }

    /**
     * Parses {@code a.b.c.d}, {@code a.b.c.d/nn} or the IPv6 equivalents, never looking anything up in DNS. A bare
     * address becomes a host route, as Calico's {@code IPNet.UnmarshalJSON} does.
     */
    public static Optional<CidrAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.indexOf('%') >= 0) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        String ip = slash < 0 ? text : text.substring(0, slash);
        InetAddress address;
        try {
            // One parse (isInetAddress would parse it a first time): this runs for every node of a full read.
            address = InetAddresses.forString(ip);
        } catch (IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
        if (slash < 0) {
            return Optional.of(host(address));
        }
        String prefix = text.substring(slash + 1);
        if (!isOneToThreeDigits(prefix)) {
            return Optional.empty();
        }
        int length = Integer.parseInt(prefix);
        if (length > IpFamily.of(address).bits()) {
            return Optional.empty();
        }
        return Optional.of(new CidrAddress(address, length));
    }

    /** {@code [0-9]{1,3}}, ASCII digits only. */
    private static boolean isOneToThreeDigits(String text) {
        if (text.isEmpty() || text.length() > 3) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses a bare IP literal (no prefix), never looking anything up in DNS. */
    public static Optional<InetAddress> parseAddress(String text) {
        if (text == null || text.indexOf('%') >= 0 || !InetAddresses.isInetAddress(text)) {
            return Optional.empty();
        }
        return Optional.of(InetAddresses.forString(text));
    }

    public IpFamily family() {
        return IpFamily.of(address);
    }

    /** The address with its host bits cleared: {@code 10.0.0.11/24} → {@code 10.0.0.0/24}. */
    public CidrAddress network() {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new CidrAddress(toInetAddress(bytes), prefixLength);
    }

    /** True when {@code other} lies inside this address's network. */
    public boolean contains(InetAddress other) {
        if (IpFamily.of(other) != family()) {
            return false;
        }
        return new CidrAddress(other, prefixLength).network().address.equals(network().address);
    }

    /** True when the whole of {@code other} lies inside this network. */
    public boolean contains(CidrAddress other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    /** The address in canonical text (RFC 5952 for IPv6), without prefix. */
    public String ip() {
        return InetAddresses.toAddrString(address);
    }

    /**
     * Go's {@code net.IP.IsGlobalUnicast}, which Calico's autodetection uses: not unspecified, loopback, multicast,
     * link-local (169.254/16, fe80::/10) or the IPv4 broadcast address. Private ranges (RFC 1918, ULA) count.
     */
    public boolean isGlobalUnicast() {
        byte[] b = address.getAddress();
        boolean broadcast = b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
        return !broadcast && !address.isAnyLocalAddress() && !address.isLoopbackAddress()
                && !address.isMulticastAddress() && !address.isLinkLocalAddress();
    }

    /** The number of addresses in this network, as a big integer (IPv6 networks are large). */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(family().bits() - prefixLength);
    }

    // equals and hashCode are written out for the same reason as CalicoRelease's (a cold start's generated classes).
    @Override
    public boolean equals(Object other) {
        return other instanceof CidrAddress c && c.prefixLength == prefixLength && c.address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return ip() + "/" + prefixLength;
    }

    private static InetAddress toInetAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("address of " + bytes.length + " bytes", e);
        }
    }
}
