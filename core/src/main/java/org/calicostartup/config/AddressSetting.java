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
 *   <li>{@link Mode#FIXED} (a literal address or CIDR): use it; a bare address gets /32 or /128, except that a bare
 *       IPv4 address borrows the prefix of the local interface that holds it (calico-node v3.18+).</li>
 * </ul>
 *
 * @param prefixGiven for {@link Mode#FIXED}: whether the value carried a prefix ({@code 10.0.0.11/24})
 */
public record AddressSetting(Mode mode, Optional<CidrAddress> address, boolean prefixGiven) {

    public enum Mode { KEEP, AUTODETECT, NONE, FIXED }

    public static final AddressSetting KEEP = new AddressSetting(Mode.KEEP, Optional.empty(), false);
    public static final AddressSetting AUTODETECT = new AddressSetting(Mode.AUTODETECT, Optional.empty(), false);
    public static final AddressSetting NONE = new AddressSetting(Mode.NONE, Optional.empty(), false);

    public AddressSetting {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(address, "address");
        if ((mode == Mode.FIXED) != address.isPresent()) {
            throw new IllegalArgumentException("an address is given exactly when the mode is FIXED");
        }
    }

    public static AddressSetting fixed(CidrAddress address, boolean prefixGiven) {
        return new AddressSetting(Mode.FIXED, Optional.of(address), prefixGiven);
    }
}
