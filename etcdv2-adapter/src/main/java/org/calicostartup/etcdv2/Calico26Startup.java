package org.calicostartup.etcdv2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.spi.StartupOutcome;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.EtcdV2Client.Response;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node 2.6.12's own request sequence on etcd v2 (reference a.1–a.9), one request at a time: 2 or 7 GETs for
 * the node, {@code 1 + 6·H} GETs for the conflict check, Ready and ClusterGUID creates, the node's eight writes,
 * the recursive pool GET and pool creates, the default-configuration reads and writes and six directory creates.
 * The benchmark baseline; the same resulting keys as {@link FastV2Startup} except the IP claims.
 */
final class Calico26Startup {

    private static final Logger LOG = LoggerFactory.getLogger(Calico26Startup.class);
    private static final List<String> HOST_FIELDS = List.of("ip_addr_v4", "network_v4", "ip_addr_v6", "network_v6",
            "as_num");

    private final EtcdV2Client.Session session;
    private final StartupContext context;
    private final StartupConfig config;
    private final String name;
    private final List<String> created = new ArrayList<>();

    Calico26Startup(EtcdV2Client client, StartupContext context) {
        this.session = client.session(context.stats(), context.deadline());
        this.context = context;
        this.config = context.config();
        this.name = context.nodeName();
    }

    StartupOutcome run() {
        context.profile().refuseUnsupported(config);
        if (config.waitForDatastore()) {
            LOG.info("Checking datastore connection");
            getNode("foo");
            LOG.info("Datastore connection verified");
        }
        Optional<Map<String, String>> stored = getNode(name);
        V2Rules.OwnNode own = V2Rules.own(name, stored.isPresent(), stored.orElse(Map.of()));
        V2Rules.Decision decision = V2Rules.decide(context, own);
        if (decision.checkRuns()) {
            Map<String, Map<String, String>> hosts = listNodes();
            List<ConflictCheck.Conflict> conflicts = V2Rules.conflicts(name, decision.after(), hosts.keySet(), hosts);
            if (!conflicts.isEmpty()) {
                throw V2Rules.conflictFailure(conflicts);
            }
        }
        create(V2Layout.READY, "true");
        create(V2Layout.CONFIG + "/ClusterGUID", V2Layout.clusterGuid());
        for (Request write : V2Layout.nodeWrites(name, decision.after(), decision.asNumber(),
                context.profile().k8sNodeRef(config.node()))) {
            Response response = one(write);
            if (!response.ok() && !(write.method().equals("DELETE") && response.notFound())) {
                throw new StartupException(Reason.INTERNAL, "Unable to set node resource configuration: " + write
                        + ": " + response.message());
            }
        }
        configurePools();
        ensureDefaultConfig();
        return new StartupOutcome(decision.before(), decision.after(), stored.isEmpty(), created,
                List.of(V2Layout.host(name), V2Layout.bgpHost(name)), decision.checkRuns(), List.of(), 0,
                context.profile().recordedVersion(), name);
    }

    /** {@code Nodes().Get}: metadata, else the host directory; then the five BGP keys and orchestrator refs. */
    private Optional<Map<String, String>> getNode(String node) {
        if (!one(Request.get(V2Layout.host(node) + "/metadata", false, false)).ok()
                && !one(Request.get(V2Layout.host(node), false, false)).ok()) {
            return Optional.empty();
        }
        Map<String, String> fields = subcomponents(node);
        return Optional.of(fields);
    }

    private Map<String, String> subcomponents(String node) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : HOST_FIELDS) {
            V2Tree.value(one(Request.get(V2Layout.bgpHost(node) + "/" + field, false, false)))
                    .ifPresent(leaf -> fields.put(field, leaf.value()));
        }
        one(Request.get(V2Layout.host(node) + "/orchestrator_refs", false, false));
        return fields;
    }

    /** {@code Nodes().List}: one listing, then each host's six GETs, sequentially. */
    private Map<String, Map<String, String>> listNodes() {
        Map<String, Map<String, String>> hosts = new LinkedHashMap<>();
        for (String host : V2Tree.children(one(Request.get(V2Layout.HOSTS, false, true)))) {
            hosts.put(host, subcomponents(host));
        }
        return hosts;
    }

    private void configurePools() {
        if (config.noDefaultPools()) {
            LOG.info("Skipping IP pool configuration");
            return;
        }
        var keys = V2Tree.leaves(one(Request.get(V2Layout.IPAM, true, true))).keySet();
        java.util.Set<IpFamily> present = V2Layout.poolFamilies(keys);
        boolean v4 = present.contains(IpFamily.V4);
        boolean v6 = present.contains(IpFamily.V6);
        if (!v4) {
            PoolSettings pool = config.ipv4Pool();
            CidrAddress cidr = V2Layout.defaultPoolCidr(pool);
            LOG.info("Ensure default IPv4 pool is created. IPIP mode: {}", V2SharedWrites.ipipMode(pool));
            if (create(V2Layout.poolKey(cidr), V2Layout.poolValue(cidr, pool))) {
                LOG.info("Created default IPv4 pool ({}) with NAT outgoing {}. IPIP mode: {}", cidr.network(),
                        pool.natOutgoing(), V2SharedWrites.ipipMode(pool));
            }
            if (pool.ipipMode() != EncapsulationMode.NEVER) {
                one(Request.put(V2Layout.CONFIG + "/IpInIpEnabled", "true", Map.of()));
            }
        }
        if (!v6 && context.ipv6Supported()) {
            PoolSettings pool = config.ipv6Pool();
            CidrAddress cidr = V2Layout.defaultPoolCidr(pool);
            create(V2Layout.poolKey(cidr), V2Layout.poolValue(cidr, pool));
        }
    }

    private void ensureDefaultConfig() {
        for (Map.Entry<String, String> entry : V2Layout.defaults(name).entrySet()) {
            createIfAbsent(entry.getKey(), entry.getValue());
        }
        one(Request.put(V2Layout.CONFIG + "/CalicoVersion", context.profile().recordedVersion(), Map.of()));
        if (!config.clusterType().isEmpty()) {
            String key = V2Layout.CONFIG + "/ClusterType";
            Optional<V2Tree.Leaf> existing = V2Tree.value(one(Request.get(key, false, false)));
            if (existing.isEmpty()) {
                create(key, String.join(",", config.clusterType()));
            } else {
                V2Layout.mergeClusterType(existing.get().value(), config.clusterType())
                        .ifPresent(merged -> one(Request.put(key, merged, Map.of())));
            }
        }
        for (Map.Entry<String, String> entry : V2Layout.bgpDefaults().entrySet()) {
            createIfAbsent(entry.getKey(), entry.getValue());
        }
        for (Request dir : V2Layout.directories(name)) {
            one(dir);
        }
    }

    private void createIfAbsent(String key, String value) {
        if (one(Request.get(key, false, false)).notFound()) {
            create(key, value);
        }
    }

    private boolean create(String key, String value) {
        boolean ok = one(Request.put(key, value, Map.of("prevExist", "false"))).ok();
        if (ok) {
            created.add(key);
        }
        return ok;
    }

    private Response one(Request request) {
        return session.one(request.toString(), request);
    }
}
