package org.calicostartup.config;

import java.util.Objects;
import java.util.Optional;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;

/**
 * How to create the default pool of one family if no pool of that family exists.
 *
 * @param cidr          the pool's network; empty means the release's default: IPv4 192.168.0.0/16 (from Calico
 *                      v3.14 moved off the host's own addresses), IPv6 {@code fd80:24e2:f998:72d6::/64} (2.6) or a
 *                      random ULA /48 (v3)
 * @param ipipMode      IPIP mode (always {@link EncapsulationMode#NEVER} for IPv6)
 * @param vxlanMode     VXLAN mode
 * @param blockSize     IPAM block prefix length
 * @param nodeSelector  Calico selector of the nodes that use the pool (checked with Calico's grammar)
 * @param cidrNone      {@code CALICO_IPVxPOOL_CIDR=none}: no default pool of this family (Calico v3.29+; the
 *                      release profile refuses it for older releases)
 * @param disableBgpExport {@code CALICO_IPVxPOOL_DISABLE_BGP_EXPORT} (written from Calico v3.24)
 */
public record PoolSettings(IpFamily family, Optional<CidrAddress> cidr, EncapsulationMode ipipMode,
        EncapsulationMode vxlanMode, boolean natOutgoing, int blockSize, String nodeSelector, boolean cidrNone,
        boolean disableBgpExport) {

    public static final CidrAddress DEFAULT_IPV4_CIDR = CidrAddress.parse("192.168.0.0/16").orElseThrow();
    public static final int DEFAULT_IPV4_BLOCK_SIZE = 26;
    public static final int DEFAULT_IPV6_BLOCK_SIZE = 122;
    public static final String DEFAULT_NODE_SELECTOR = "all()";

    /** The block size of a pool of {@code family} when none is configured: 26, 122. */
    public static int defaultBlockSize(IpFamily family) {
        return family == IpFamily.V4 ? DEFAULT_IPV4_BLOCK_SIZE : DEFAULT_IPV6_BLOCK_SIZE;
    }

    /** As before Calico v3.24 and v3.29: a pool is created, BGP export on. */
    public PoolSettings(IpFamily family, Optional<CidrAddress> cidr, EncapsulationMode ipipMode,
            EncapsulationMode vxlanMode, boolean natOutgoing, int blockSize, String nodeSelector) {
        this(family, cidr, ipipMode, vxlanMode, natOutgoing, blockSize, nodeSelector, false, false);
    }

    public PoolSettings {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(ipipMode, "ipipMode");
        Objects.requireNonNull(vxlanMode, "vxlanMode");
        Objects.requireNonNull(nodeSelector, "nodeSelector");
        cidr = cidr.map(CidrAddress::network);
        if (cidrNone && cidr.isPresent()) {
            throw new IllegalArgumentException("a pool CIDR and \"none\" exclude each other");
        }
        cidr.ifPresent(c -> {
            if (c.family() != family) {
                throw new IllegalArgumentException("pool " + c + " is not " + family);
            }
        });
    }
}
