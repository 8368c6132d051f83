package org.calicostartup.config;

import java.util.Locale;
import java.util.Optional;

/** IPIP or VXLAN mode of a pool, with Calico v3's names. */
public enum EncapsulationMode {
    NEVER("Never"),
    ALWAYS("Always"),
    CROSS_SUBNET("CrossSubnet");

    private final String calicoName;

    EncapsulationMode(String calicoName) {
        this.calicoName = calicoName;
    }

    /** The value Calico v3 stores ({@code ipipMode}, {@code vxlanMode}). */
    public String calicoName() {
        return calicoName;
    }

    /** calico-node's parsing: lower-cased; "", off, never; always; cross-subnet, crosssubnet. */
    static Optional<EncapsulationMode> parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "off", "never" -> Optional.of(NEVER);
            case "always" -> Optional.of(ALWAYS);
            case "cross-subnet", "crosssubnet" -> Optional.of(CROSS_SUBNET);
            default -> Optional.empty();
        };
    }

    static final String ACCEPTED = "\"Never\" (also empty or \"off\"), \"Always\", \"CrossSubnet\" (also "
            + "\"cross-subnet\"), in any case";
}
