package org.calicostartup.autodetect.internal;

import java.util.Objects;
import org.calicostartup.net.CidrAddress;

/** An autodetected address and the interface it was found on. */
public record DetectedAddress(String interfaceName, CidrAddress address) {

    public DetectedAddress {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(address, "address");
    }
}
