package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.spi.StartupOutcome;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv3.V3Resources.MalformedException;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.StoredAddresses;
import org.calicostartup.profile.ReleaseProfile;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node v3's own request sequence (reference section c), one request at a time: get the node; list every node
 * if its addresses changed; EnsureInitialized (get, create ClusterInformation) before creating a node; create or
 * update the node; list pools, and for each missing default pool re-list (overlap validation), maybe get/create
 * the Felix default (IPIP), create it; then get/update ClusterInformation and get/create both Felix
 * configurations. Same resulting data as {@link FastV3Startup} except the IP claims; kept as the benchmark baseline.
 */
final class Calico3Startup {

    private static final Logger LOG = LoggerFactory.getLogger(Calico3Startup.class);

    private final EtcdV3Connection.Session session;
    private final StartupContext context;
    private final StartupConfig config;
    private final NodeSettings settings;
    private final String name;
    private final List<String> created = new ArrayList<>();
    private final List<String> updated = new ArrayList<>();

    Calico3Startup(EtcdV3Connection connection, StartupContext context) {
        this.session = connection.session(context.stats(), context.deadline());
        this.context = context;
        this.config = context.config();
        this.settings = config.node();
        this.name = context.nodeName();
    }

    StartupOutcome run() {
        context.profile().refuseUnsupported(config);
        String nodeKey = V3Keys.node(name);
        Optional<Stored> storedNode = get(nodeKey);
        V3NodeDecision.Own own = V3NodeDecision.own(storedNode, name);
        Optional<ObjectNode> stored = own.stored();
        StoredAddresses before = own.before();
        V3NodeDecision.Resolved resolved = V3NodeDecision.resolve(settings, context.profile(), own,
                context.candidates());
        StoredAddresses after = resolved.addresses();
        boolean checkRuns = resolved.checkRuns();
        Optional<StartupException> failAfter = resolved.failAfter();
        if (checkRuns) {
            V3NodeDecision.Outcome outcome = V3NodeDecision.conflicts(settings, context.profile(), name, own, after,
                    V3Planner.listed(list(V3Keys.NODES)).values());
            after = outcome.after();
            failAfter = outcome.failAfter();
        }
        boolean writesNode = V3NodeDecision.writesNode(settings, context.profile(), resolved);
        if (!writesNode) {
            LOG.info("Node {} unchanged: not written", name);
        } else {
            ObjectNode node = V3NodeDecision.node(settings, context.profile(), name, own, after,
                    resolved.interfaces(), failAfter.isPresent(), context.clock());
            if (storedNode.isEmpty()) {
                ensureClusterInformation(List.of());
                create(nodeKey, node);
            } else {
                update(storedNode.get(), node);
            }
        }
        if (failAfter.isPresent()) {
            LOG.warn("Terminating");
            throw failAfter.get();
        }
        V3DefaultPools pools = configurePools();
        ensureClusterInformation(config.clusterType());
        Optional<Stored> felix = get(V3Keys.FELIX_DEFAULT);
        if (felix.isEmpty()) {
            create(V3Keys.FELIX_DEFAULT, V3ClusterResources.felixDefault(false, false, context.profile(),
                    context.clock()));
        } else {
            ensureFelixDefault(felix.get(), false, false);
        }
        Optional<Stored> felixNode = get(V3Keys.felixNode(name));
        if (felixNode.isEmpty()) {
            create(V3Keys.felixNode(name), V3ClusterResources.felixNode(name, context.profile(), context.clock()));
        } else {
            V3Planner.parsed(felixNode.get(), "FelixConfiguration")
                    .flatMap(parsed -> V3ClusterResources.ensureFelixNode(parsed, context.profile()))
                    .ifPresent(updatedFelix -> update(felixNode.get(), updatedFelix));
        }
        if (context.profile().createsDefaultBgpConfiguration() && get(V3Keys.BGP_DEFAULT).isEmpty()) {
            create(V3Keys.BGP_DEFAULT, V3ClusterResources.bgpDefault(context.clock()));
        }
        return new StartupOutcome(before, after, writesNode && storedNode.isEmpty(), created, updated, checkRuns,
                List.of(), 0, context.profile().recordedVersion(), name);
    }

    /**
     * Lists pools; creates each missing default pool after the re-list Calico does for overlap validation, turning on
     * IPIP or VXLAN in the default FelixConfiguration first where the release does ({@code maybeEnableIPIP}).
     */
    private V3DefaultPools configurePools() {
        ReleaseProfile profile = context.profile();
        V3DefaultPools pools = V3DefaultPools.decide(config, profile,
                V3Planner.poolFamilies(config.noDefaultPools() ? List.of() : list(V3Keys.IPPOOLS)),
                context.ipv6Supported(), () -> context.autodetector().allAddresses(IpFamily.V4));
        for (V3DefaultPools.Pool pool : pools.pools()) {
            list(V3Keys.IPPOOLS);
            boolean ipip = pools.enableIpip() && pool.settings().family() == IpFamily.V4;
            boolean vxlan = pools.enableVxlan() && pool.settings().vxlanMode() != EncapsulationMode.NEVER;
            if (ipip || vxlan) {
                Optional<Stored> felix = get(V3Keys.FELIX_DEFAULT);
                if (felix.isEmpty()) {
                    ObjectNode created = V3ClusterResources.felixDefault(ipip, vxlan, profile, context.clock());
                    ((ObjectNode) created.get("spec")).remove(List.of("logSeverityScreen", "reportingInterval"));
                    create(V3Keys.FELIX_DEFAULT, created);
                } else {
                    ensureFelixDefault(felix.get(), ipip, vxlan);
                }
            }
            createPool(pool.name(), pool.settings(), pool.cidr());
        }
        return pools;
    }

    private void ensureFelixDefault(Stored felix, boolean ipip, boolean vxlan) {
        V3Planner.parsed(felix, "FelixConfiguration")
                .flatMap(stored -> V3ClusterResources.ensureFelixDefault(stored, ipip, vxlan, context.profile()))
                .ifPresent(updatedFelix -> update(felix, updatedFelix));
    }

    private void createPool(String poolName, PoolSettings pool, CidrAddress cidr) {
        if (create(V3Keys.pool(poolName), V3Resources.pool(poolName, pool, cidr, context.profile(),
                context.clock()))) {
            LOG.info("Created default {} pool ({}) with NAT outgoing {}. IPIP mode: {}", pool.family(),
                    cidr.network(), pool.natOutgoing(), pool.ipipMode().calicoName());
        }
    }

    private void ensureClusterInformation(List<String> clusterType) {
        Optional<Stored> info = get(V3Keys.CLUSTER_INFORMATION);
        if (info.isEmpty()) {
            context.foreignDataCheck().run();
            create(V3Keys.CLUSTER_INFORMATION, V3ClusterResources.clusterInformation(clusterType,
                    context.profile().recordedVersion(), context.clock()));
            return;
        }
        try {
            V3ClusterResources.ensureClusterInformation(V3Resources.parse(info.get().value(), "ClusterInformation"),
                    clusterType, context.profile().recordedVersion())
                    .ifPresent(updatedInfo -> update(info.get(), updatedInfo));
        } catch (MalformedException e) {
            LOG.warn("Leaving malformed ClusterInformation {} untouched: {}", info.get().key(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------- libcalico-go etcdv3 backend operations

    private Optional<Stored> get(String key) {
        return session.get("get " + key, key, false).kvs().stream().findFirst();
    }

    private List<Stored> list(String prefix) {
        return session.get("list " + prefix, prefix, true).kvs();
    }

    /** Create: {@code If(version(key) == 0) Then(Put) Else(Get)}; false if it already existed. */
    private boolean create(String key, ObjectNode value) {
        V3Response.Txn response = session.txn("create " + key, List.of(Cmp.version(key, 0)),
                List.of(Op.put(key, V3Resources.bytes(value))), List.of(Op.get(key, false)));
        if (response.succeeded()) {
            created.add(key);
        } else if (key.equals(V3Keys.node(name))) {
            throw new StartupException(Reason.INTERNAL, "Node " + name + " was created by someone else meanwhile");
        }
        return response.succeeded();
    }

    /** Update: {@code If(mod_revision(key) == rv) Then(Put) Else(Get)}. */
    private void update(Stored stored, ObjectNode value) {
        V3Response.Txn response = session.txn("update " + stored.key(),
                List.of(Cmp.modRevision(stored.key(), stored.modRevision())),
                List.of(Op.put(stored.key(), V3Resources.bytes(value))), List.of(Op.get(stored.key(), false)));
        if (!response.succeeded()) {
            throw new StartupException(Reason.INTERNAL, "Update of " + stored.key() + " lost a race: the resource "
                    + "changed meanwhile (calico-node fails the same way)");
        }
        updated.add(stored.key());
    }
}
