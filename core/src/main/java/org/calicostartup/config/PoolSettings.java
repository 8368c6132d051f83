package org.calicostartup.config;

import java.util.Objects;
import java.util.Optional;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;

/**
 * How to create the default pool of one family if no pool of that family exists.
 *
 * @param cidr          the pool's network; empty means the datastore layout's default (IPv6 only: Calico 2.6 uses
 *                      {@code fd80:24e2:f998:72d6::/64}, Calico v3 a random ULA /48)
 * @param ipipMode      IPIP mode (always {@link EncapsulationMode#NEVER} for IPv6)
 * @param vxlanMode     VXLAN mode
 * @param blockSize     IPAM block prefix length
 * @param nodeSelector  Calico selector of the nodes that use the pool
 */
public record PoolSettings(IpFamily family, Optional<CidrAddress> cidr, EncapsulationMode ipipMode,
        EncapsulationMode vxlanMode, boolean natOutgoing, int blockSize, String nodeSelector) {

    public static final CidrAddress DEFAULT_IPV4_CIDR = CidrAddress.parse("192.168.0.0/16").orElseThrow();
    public static final int DEFAULT_IPV4_BLOCK_SIZE = 26;
    public static final int DEFAULT_IPV6_BLOCK_SIZE = 122;
    public static final String DEFAULT_NODE_SELECTOR = "all()";

    public PoolSettings {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(ipipMode, "ipipMode");
        Objects.requireNonNull(vxlanMode, "vxlanMode");
        Objects.requireNonNull(nodeSelector, "nodeSelector");
        cidr = cidr.map(CidrAddress::network);
        cidr.ifPresent(c -> {
            if (c.family() != family) {
                throw new IllegalArgumentException("pool " + c + " is not " + family);
            }
        });
    }
}
