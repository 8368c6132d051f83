package org.calicostartup.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the numbers Calico's messages use ("IPv4", "IPv6"). */
public enum IpFamily {
    V4(4, 32),
    V6(6, 128);

    private final int version;
    private final int bits;

    IpFamily(int version, int bits) {
        this.version = version;
        this.bits = bits;
    }

    public int version() {
        return version;
    }

    public int bits() {
        return bits;
    }

    public boolean matches(InetAddress address) {
        return (address instanceof Inet4Address) == (this == V4);
    }

    public static IpFamily of(InetAddress address) {
        return address instanceof Inet4Address ? V4 : V6;
    }

    @Override
    public String toString() {
        return "IPv" + version;
    }
}
