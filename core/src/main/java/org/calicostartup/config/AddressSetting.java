package org.calicostartup.config;

import java.util.Objects;
import java.util.Optional;
import org.calicostartup.net.CidrAddress;

/**
 * What {@code IP} or {@code IP6} asks for.
 *
 * <ul>
 *   <li>{@link Mode#KEEP} (unset or empty): keep the stored address; with none stored, IPv4 autodetects and IPv6
 *       stays unset.</li>
 *   <li>{@link Mode#AUTODETECT} ({@code autodetect}): detect and overwrite on every start.</li>
 *   <li>{@link Mode#NONE} ({@code none}): no detection, keep what is stored.</li>
 *   <li>{@link Mode#FIXED} (a literal address or CIDR): use it; a bare address gets /32 or /128.</li>
 * </ul>
 */
public record AddressSetting(Mode mode, Optional<CidrAddress> address) {

    public enum Mode { KEEP, AUTODETECT, NONE, FIXED }

    public static final AddressSetting KEEP = new AddressSetting(Mode.KEEP, Optional.empty());
    public static final AddressSetting AUTODETECT = new AddressSetting(Mode.AUTODETECT, Optional.empty());
    public static final AddressSetting NONE = new AddressSetting(Mode.NONE, Optional.empty());

    public AddressSetting {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(address, "address");
        if ((mode == Mode.FIXED) != address.isPresent()) {
            throw new IllegalArgumentException("an address is given exactly when the mode is FIXED");
        }
    }

    public static AddressSetting fixed(CidrAddress address) {
        return new AddressSetting(Mode.FIXED, Optional.of(address));
    }
}
