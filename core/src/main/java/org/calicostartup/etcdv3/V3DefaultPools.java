package org.calicostartup.etcdv3;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.calicostartup.StartupException;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.profile.ReleaseProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node v3's {@code configureIPPools} decision (node/pkg/lifecycle/startup/startup.go@v3.22.1, @v3.29.0), shared
 * by the fast and the reference mode: which default pools to create, and whether creating them turns on IPIP or
 * VXLAN in the default FelixConfiguration.
 */
record V3DefaultPools(List<Pool> pools, boolean enableIpip, boolean enableVxlan) {

    /** One pool to create. */
    record Pool(String name, PoolSettings settings, CidrAddress cidr) {
    }

    static final V3DefaultPools NONE = new V3DefaultPools(List.of(), false, false);

    /**
     * @param present        the families that already have a pool
     * @param hostAddresses  the host's IPv4 addresses, asked only when the default IPv4 pool's CIDR is not configured
     */
    static V3DefaultPools decide(StartupConfig config, ReleaseProfile profile, Set<IpFamily> present,
            boolean ipv6Supported, Supplier<List<CidrAddress>> hostAddresses) {
        if (config.noDefaultPools()) {
            LOG.info("Skipping IP pool configuration");
            return NONE;
        }
        List<Pool> pools = new ArrayList<>();
        boolean ipip = false;
        boolean vxlan = false;
        PoolSettings v4 = config.ipv4Pool();
        if (v4.cidrNone()) {
            LOG.info("Skipping IPv4 pool configuration");
        } else if (!present.contains(IpFamily.V4)) {
            CidrAddress cidr = v4.cidr().orElseGet(() ->
                    profile.defaultIpv4Pool(PoolSettings.DEFAULT_IPV4_CIDR, hostAddresses.get()));
            if (v4.cidr().isEmpty()) {
                LOG.info("Selected default IP pool is '{}'", cidr);
            }
            PoolSettings settings = profile.poolAsRead(v4, false);
            if (settings.vxlanMode() == EncapsulationMode.CROSS_SUBNET && !profile.hasVxlanCrossSubnet()) {
                // calico-node terminates as it creates the pool ("Unrecognized VXLAN mode"); refused before writing.
                throw StartupException.invalidValue("CALICO_IPV4POOL_VXLAN", "CrossSubnet", "\"Never\" or \"Always\""
                        + "; CrossSubnet exists from Calico v3.9, and this startup reproduces " + profile.release());
            }
            pools.add(new Pool(V3Resources.DEFAULT_IPV4_POOL, settings, cidr));
            ipip = profile.enablesIpipInFelix() && settings.ipipMode() != EncapsulationMode.NEVER;
            vxlan = profile.enablesVxlanInFelix() && settings.vxlanMode() != EncapsulationMode.NEVER;
        }
        PoolSettings v6 = config.ipv6Pool();
        if (v6.cidrNone()) {
            LOG.info("Skipping IPv6 pool configuration");
        } else if (!present.contains(IpFamily.V6) && ipv6Supported) {
            PoolSettings settings = profile.poolAsRead(v6, v4.cidrNone());
            pools.add(new Pool(V3Resources.DEFAULT_IPV6_POOL, settings,
                    v6.cidr().or(profile::fixedDefaultIpv6Pool).orElseGet(V3Resources::randomUlaPrefix)));
            vxlan |= profile.enablesVxlanInFelix() && settings.vxlanMode() != EncapsulationMode.NEVER;
        }
        return new V3DefaultPools(pools, ipip, vxlan);
    }

    private static final Logger LOG = LoggerFactory.getLogger(V3DefaultPools.class);
}
