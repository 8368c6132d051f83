package org.calicostartup.etcdv2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.V2Tree.Leaf;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the etcd v2 fast startup writes besides the node (calico-node 2.6's {@code EnsureInitialized},
 * {@code configureIPPools} and {@code ensureDefaultConfig}, reference a.6–a.8), decided from the first batch of reads:
 * Ready, ClusterGUID, default pools, default configuration and directories, each a create where absent.
 */
final class V2SharedWrites {

    private static final Logger LOG = LoggerFactory.getLogger(V2SharedWrites.class);

    private final StartupContext context;
    private final StartupConfig settings;
    private final String name;

    V2SharedWrites(StartupContext context) {
        this.context = context;
        this.settings = context.config();
        this.name = context.nodeName();
    }

    /** Ready, ClusterGUID, default pools, default configuration and directories, as creates where absent. */
    List<Request> writes(V2Snapshot r) {
        List<Request> writes = new ArrayList<>();
        Map<String, Leaf> config = V2Tree.leaves(r.config());
        Map<String, Leaf> bgpGlobal = V2Tree.leaves(r.bgpGlobal());
        if (!r.ready().ok()) {
            writes.add(Request.put(V2Layout.READY, "true", Map.of("prevExist", "false")));
        }
        if (!config.containsKey(V2Layout.CONFIG + "/ClusterGUID")) {
            writes.add(Request.put(V2Layout.CONFIG + "/ClusterGUID", V2Layout.clusterGuid(),
                    Map.of("prevExist", "false")));
        }
        writes.addAll(pools(V2Tree.leaves(r.ipam()).keySet()));
        for (Map.Entry<String, String> entry : V2Layout.defaults(name).entrySet()) {
            boolean present = entry.getKey().endsWith("DefaultEndpointToHostAction") ? r.endpointToHostAction().ok()
                    : config.containsKey(entry.getKey());
            if (!present) {
                writes.add(Request.put(entry.getKey(), entry.getValue(), Map.of("prevExist", "false")));
            }
        }
        writes.add(Request.put(V2Layout.CONFIG + "/CalicoVersion", context.profile().recordedVersion(), Map.of()));
        if (!settings.clusterType().isEmpty()) {
            Leaf existing = config.get(V2Layout.CONFIG + "/ClusterType");
            if (existing == null) {
                writes.add(Request.put(V2Layout.CONFIG + "/ClusterType", String.join(",", settings.clusterType()),
                        Map.of("prevExist", "false")));
            } else {
                V2Layout.mergeClusterType(existing.value(), settings.clusterType()).ifPresent(merged ->
                        writes.add(Request.put(V2Layout.CONFIG + "/ClusterType", merged,
                                Map.of("prevIndex", Long.toString(existing.modifiedIndex())))));
            }
        }
        for (Map.Entry<String, String> entry : V2Layout.bgpDefaults().entrySet()) {
            if (!bgpGlobal.containsKey(entry.getKey())) {
                writes.add(Request.put(entry.getKey(), entry.getValue(), Map.of("prevExist", "false")));
            }
        }
        java.util.Set<String> dirs = new java.util.HashSet<>(V2Tree.directories(r.ipam()));
        dirs.addAll(V2Tree.directories(r.bgpGlobal()));
        dirs.addAll(V2Tree.directories(r.ipamHost()));
        V2Layout.directories(name).stream().filter(dir -> !dirs.contains(dir.key())).forEach(writes::add);
        return writes;
    }

    private List<Request> pools(java.util.Set<String> ipamKeys) {
        if (settings.noDefaultPools()) {
            LOG.info("Skipping IP pool configuration");
            return List.of();
        }
        java.util.Set<IpFamily> present = V2Layout.poolFamilies(ipamKeys);
        boolean v4 = present.contains(IpFamily.V4);
        boolean v6 = present.contains(IpFamily.V6);
        List<Request> writes = new ArrayList<>();
        if (!v4) {
            PoolSettings pool = settings.ipv4Pool();
            CidrAddress cidr = V2Layout.defaultPoolCidr(pool);
            LOG.info("Ensure default IPv4 pool is created. IPIP mode: {}", ipipMode(pool));
            writes.add(Request.put(V2Layout.poolKey(cidr), V2Layout.poolValue(cidr, pool), Map.of("prevExist",
                    "false")));
            if (pool.ipipMode() != EncapsulationMode.NEVER) {
                writes.add(Request.put(V2Layout.CONFIG + "/IpInIpEnabled", "true", Map.of()));
            }
        }
        if (!v6 && context.ipv6Supported()) {
            PoolSettings pool = settings.ipv6Pool();
            CidrAddress cidr = V2Layout.defaultPoolCidr(pool);
            LOG.info("Ensure default IPv6 pool is created.");
            writes.add(Request.put(V2Layout.poolKey(cidr), V2Layout.poolValue(cidr, pool), Map.of("prevExist",
                    "false")));
        }
        return writes;
    }

    static String ipipMode(PoolSettings pool) {
        return switch (pool.ipipMode()) {
            case NEVER -> "off";
            case ALWAYS -> "always";
            case CROSS_SUBNET -> "cross-subnet";
        };
    }

}
