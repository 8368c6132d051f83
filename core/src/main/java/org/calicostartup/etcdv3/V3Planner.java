package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv3.V3Plan.SharedWrite;
import org.calicostartup.etcdv3.V3Resources.MalformedException;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.ConflictCheck.Conflict;
import org.calicostartup.node.ConflictCheck.ListedNode;
import org.calicostartup.node.StoredAddresses;
import org.calicostartup.profile.ReleaseProfile;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, from one snapshot, the single transaction that registers the node: calico-node v3's rules for
 * addresses, conflicts, AS number, pools, ClusterInformation and Felix configuration, plus calico-startup's IP
 * claims. Its conditions cover exactly what the decision rested on — this node's key and the claims it takes —
 * so that nodes starting together with different IPs never invalidate each other's write.
 */
final class V3Planner {

    private static final Logger LOG = LoggerFactory.getLogger(V3Planner.class);

    private final StartupContext context;
    private final StartupConfig config;
    private final NodeSettings settings;
    private final String name;
    private final byte[] ourClaim;
    private final boolean claimsPermitted;

    V3Planner(StartupContext context) {
        this(context, true);
    }

    /** @param claimsPermitted false when the etcd role may not touch the claims: calico-node's rules alone */
    V3Planner(StartupContext context, boolean claimsPermitted) {
        this.context = context;
        this.claimsPermitted = claimsPermitted;
        this.config = context.config();
        this.settings = config.node();
        this.name = context.nodeName();
        this.ourClaim = V3Resources.claim(name);
    }

    V3Plan plan(V3Snapshot snapshot) {
        context.profile().refuseUnsupported(config);
        String nodeKey = V3Keys.node(name);
        V3NodeDecision.Own own;
        V3NodeDecision.Resolved resolved;
        try {
            own = V3NodeDecision.own(snapshot.ownNode(), name);
            resolved = V3NodeDecision.resolve(settings, context.profile(), own, context.candidates());
        } catch (StartupException e) {
            return new V3Plan.Fail(e);
        }
        Optional<ObjectNode> stored = own.stored();
        StoredAddresses before = own.before();
        boolean checkRuns = resolved.checkRuns();
        boolean addresses = context.profile().configuresAddresses(settings);
        Optional<V3Cover.View> view = V3Cover.view(snapshot);
        Map<String, ListedNode> listed = view.map(v -> listed(v.nodes())).orElse(null);
        StoredAddresses after = resolved.addresses();
        List<Conflict> conflicts = List.of();
        Optional<StartupException> failAfter = resolved.failAfter();
        if (checkRuns) {
            if (listed == null) {
                return new V3Plan.NeedNodeList("the node's addresses or interfaces changed");
            }
            V3NodeDecision.Outcome outcome;
            try {
                outcome = V3NodeDecision.conflicts(settings, context.profile(), name, own, after, listed.values());
            } catch (StartupException conflict) {
                return new V3Plan.Fail(conflict);
            }
            after = outcome.after();
            conflicts = outcome.conflicts();
            failAfter = outcome.failAfter();
        }

        List<Cmp> conditions = new ArrayList<>();
        List<Op> operations = new ArrayList<>();
        List<SharedWrite> shared = new ArrayList<>();
        conditions.add(snapshot.ownNode().isPresent()
                ? Cmp.modRevision(nodeKey, snapshot.ownNode().get().modRevision())
                : Cmp.version(nodeKey, 0));
        if (addresses && claimsPermitted) {
            Optional<V3Plan> needsList = new V3Claims(name, ourClaim).plan(snapshot, view, listed, before, after,
                    conditions, operations, shared);
            if (needsList.isPresent()) {
                return needsList.get();
            }
        }
        if (failAfter.isEmpty() && settings.configuresNetworking()) {
            logAsNumber(stored);
        }
        boolean writeNode = V3NodeDecision.writesNode(settings, context.profile(), resolved);
        if (writeNode) {
            ObjectNode node = V3NodeDecision.node(settings, context.profile(), name, own, after,
                    resolved.interfaces(), failAfter.isPresent(), context.clock());
            operations.add(0, Op.put(nodeKey, V3Resources.bytes(node)));
        } else {
            LOG.info("Node {} unchanged: not written (calico-node {} writes it only when it changed)", name,
                    context.profile().release());
        }
        if (failAfter.isEmpty()) {
            sharedResources(snapshot, operations, shared);
            if (addresses && claimsPermitted && view.isPresent()) {
                V3Cover.plan(snapshot, view.get(), listed, name, config.claimsCover().minNodes(), operations);
            }
        }
        return new V3Plan.Write(conditions, operations, shared, nodeKey, writeNode, writeNode && stored.isEmpty(),
                before, after, checkRuns, conflicts.stream().map(Conflict::message).toList(), failAfter);
    }

    private void logAsNumber(Optional<ObjectNode> stored) {
        if (settings.asNumber().isPresent()) {
            LOG.info("Using AS number specified in environment (AS={})", settings.asNumber().getAsLong());
        } else {
            OptionalLong storedAs = stored.map(V3Resources::asNumber).orElse(OptionalLong.empty());
            if (storedAs.isPresent()) {
                LOG.info("Using AS number {} configured in node resource", storedAs.getAsLong());
            } else {
                LOG.info("No AS number configured on node resource, using global value");
            }
        }
    }

    /** Default pools, ClusterInformation and Felix configuration, each a nested create-if-absent or update-if-same. */
    private void sharedResources(V3Snapshot snapshot, List<Op> operations, List<SharedWrite> shared) {
        ReleaseProfile profile = context.profile();
        V3DefaultPools pools = V3DefaultPools.decide(config, profile, poolFamilies(snapshot.pools()),
                context.ipv6Supported(), () -> context.autodetector().allAddresses(IpFamily.V4));
        for (V3DefaultPools.Pool pool : pools.pools()) {
            createPool(pool, operations, shared);
        }
        Optional<Stored> info = snapshot.clusterInformation();
        if (info.isEmpty()) {
            createIfAbsent(V3Keys.CLUSTER_INFORMATION, V3ClusterResources.clusterInformation(config.clusterType(),
                    profile.recordedVersion(), context.clock()), "ClusterInformation", operations, shared);
        } else {
            parsed(info.get(), "ClusterInformation")
                    .flatMap(stored -> V3ClusterResources.ensureClusterInformation(stored, config.clusterType(),
                            profile.recordedVersion()))
                    .ifPresent(updated -> updateIfUnchanged(info.get(), updated, "ClusterInformation", operations,
                            shared));
        }
        Optional<Stored> felix = snapshot.felixDefault();
        if (felix.isEmpty()) {
            createIfAbsent(V3Keys.FELIX_DEFAULT, V3ClusterResources.felixDefault(pools.enableIpip(), pools.enableVxlan(),
                    profile, context.clock()), "FelixConfiguration default", operations, shared);
        } else {
            parsed(felix.get(), "FelixConfiguration")
                    .flatMap(stored -> V3ClusterResources.ensureFelixDefault(stored, pools.enableIpip(), pools.enableVxlan(),
                            profile))
                    .ifPresent(updated -> updateIfUnchanged(felix.get(), updated, "FelixConfiguration default",
                            operations, shared));
        }
        Optional<Stored> felixNode = snapshot.felixNode();
        if (felixNode.isEmpty()) {
            createIfAbsent(V3Keys.felixNode(name), V3ClusterResources.felixNode(name, profile, context.clock()),
                    "FelixConfiguration node." + name, operations, shared);
        } else {
            parsed(felixNode.get(), "FelixConfiguration")
                    .flatMap(stored -> V3ClusterResources.ensureFelixNode(stored, profile))
                    .ifPresent(updated -> updateIfUnchanged(felixNode.get(), updated, "FelixConfiguration node."
                            + name, operations, shared));
        }
        if (profile.createsDefaultBgpConfiguration() && snapshot.bgpDefault().isEmpty()) {
            createIfAbsent(V3Keys.BGP_DEFAULT, V3ClusterResources.bgpDefault(context.clock()),
                    "BGPConfiguration default", operations, shared);
        }
    }

    private void createPool(V3DefaultPools.Pool pool, List<Op> operations, List<SharedWrite> shared) {
        PoolSettings settings = pool.settings();
        LOG.info("Ensure default {} pool is created. IPIP mode: {}, VXLAN mode: {}", settings.family(),
                settings.ipipMode().calicoName(), settings.vxlanMode().calicoName());
        createIfAbsent(V3Keys.pool(pool.name()), V3Resources.pool(pool.name(), settings, pool.cidr(),
                context.profile(), context.clock()), "default " + settings.family() + " pool ("
                + pool.cidr().network() + ") with NAT outgoing " + settings.natOutgoing(), operations, shared);
    }

    private static void createIfAbsent(String key, ObjectNode value, String description, List<Op> operations,
            List<SharedWrite> shared) {
        operations.add(Op.txn(List.of(Cmp.version(key, 0)), List.of(Op.put(key, V3Resources.bytes(value)))));
        shared.add(new SharedWrite(key, true, description));
    }

    private static void updateIfUnchanged(Stored stored, ObjectNode value, String description, List<Op> operations,
            List<SharedWrite> shared) {
        operations.add(Op.txn(List.of(Cmp.modRevision(stored.key(), stored.modRevision())),
                List.of(Op.put(stored.key(), V3Resources.bytes(value)))));
        shared.add(new SharedWrite(stored.key(), false, description));
    }

    /** {@code stored} parsed as {@code kind}; malformed, empty with a warning naming the key (left untouched). */
    static Optional<ObjectNode> parsed(Stored stored, String kind) {
        try {
            return Optional.of(V3Resources.parse(stored.value(), kind));
        } catch (MalformedException e) {
            LOG.warn("Leaving malformed {} {} untouched: {}", kind, stored.key(), e.getMessage());
            return Optional.empty();
        }
    }

    static StartupException conflictFailure(List<Conflict> conflicts) {
        return new StartupException(Reason.IP_CONFLICT, String.join(" ",
                conflicts.stream().map(Conflict::message).toList()));
    }

    /** The families of the stored pools; malformed pools are skipped with a warning naming the key. */
    static java.util.Set<IpFamily> poolFamilies(List<Stored> pools) {
        java.util.Set<IpFamily> families = java.util.EnumSet.noneOf(IpFamily.class);
        for (Stored pool : pools) {
            try {
                families.add(V3Resources.poolFamily(V3Resources.parse(pool.value(), "IPPool")));
            } catch (MalformedException e) {
                LOG.warn("Skipping malformed IP pool {}: {}", pool.key(), e.getMessage());
            }
        }
        return families;
    }

    /** Every listed node that can be read, by name; malformed ones are skipped with a warning naming the key. */
    static Map<String, ListedNode> listed(List<Stored> nodes) {
        Map<String, ListedNode> result = new LinkedHashMap<>(nodes.size() * 2);
        for (Stored stored : nodes) {
            Optional<String> nodeName = V3Keys.nodeName(stored.key());
            if (nodeName.isEmpty()) {
                continue;
            }
            try {
                StoredAddresses addresses = V3NodeAddresses.read(stored.value());
                result.put(nodeName.get(), new ListedNode(nodeName.get(), addresses.ipv4().map(CidrAddress::address),
                        addresses.ipv6().map(CidrAddress::address)));
            } catch (MalformedException e) {
                LOG.warn("Skipping malformed node {}: {}", stored.key(), e.getMessage());
            }
        }
        return result;
    }
}
