package org.calicostartup.autodetect;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Finds which local address the host would use to reach a destination: a UDP socket is "connected" to port 80 of
 * the destination, which makes the kernel choose a route and source address. No packet is sent.
 */
@FunctionalInterface
public interface ReachProbe {

    InetAddress localAddressFor(InetAddress destination) throws IOException;

    /** The kernel's answer, via a connected UDP socket. */
    ReachProbe UDP_CONNECT = destination -> {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(destination, 80));
            InetAddress local = socket.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IOException("no route to " + destination.getHostAddress());
            }
            return local;
        }
    };
}
