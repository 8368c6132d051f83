package org.calicostartup.etcdv3;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.ClaimsCoverSettings.ChangedNodes;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.spi.IoStats;
import org.calicostartup.spi.StartupContext;
import org.calicostartup.spi.StartupOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-startup's etcd v3 startup: one read (read-only transactions of several ranges, sent together), then one
 * conditional transaction that writes everything. Two round trips whatever the cluster size.
 *
 * <p>The read fetches every node only when the decision may need them. Its condition is that this host's candidate
 * addresses are already claimed by this node (a restart with the same IP: calico-node would not check conflicts
 * either); otherwise — first registration, new address — the Else branch adds the nodes the claims cover does not
 * vouch for, or every node, still in the same round trip. So a fleet restarting with unchanged addresses reads O(1)
 * per node, not O(N).
 */
final class FastV3Startup {

    private static final Logger LOG = LoggerFactory.getLogger(FastV3Startup.class);
    /** Write attempts before giving up; each lost race means another node changed what this one decided on. */
    static final int MAX_ATTEMPTS = 10;
    private static final String READ = "read the cluster";

    private final EtcdV3Connection connection;
    private final EtcdV3Connection.Session session;
    private StartupContext context;
    /** The node's name; the release the cluster records may name it otherwise ({@link #settleProfile}). */
    private String name;

    FastV3Startup(EtcdV3Connection connection, StartupContext context) {
        this.connection = connection;
        this.session = connection.session(context.stats(), context.deadline());
        this.context = context;
        this.name = context.nodeName();
    }

    StartupOutcome run() {
        while (true) {
            try {
                return attempts();
            } catch (StartupException e) {
                if (!connection.claimsPermitted() || !EtcdV3Connection.permissionDenied(e)) {
                    throw e;
                }
                if (connection.denyClaims()) {
                    LOG.warn("The etcd role of {} may not read or write calico-startup's IP claims under {} ({}). "
                            + "Continuing as calico-node does: list the nodes, then write with conditions on this "
                            + "node's key only, so two nodes starting at the same moment with one address can both "
                            + "register it. Grant the role readwrite on the prefix /calico/startup/ to make address "
                            + "claims race-free again.", context.config().datastore().credentials()
                            .map(c -> "user " + c.username()).orElse("this client"), V3Keys.CLAIMS, e.getMessage());
                }
            }
        }
    }

    private StartupOutcome attempts() {
        int retries = 0;
        org.calicostartup.internal.Backoff backoff = org.calicostartup.internal.Backoff.jittered(
                java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(100));
        while (true) {
            V3Snapshot snapshot = settleProfile(context.timer().time("read", () -> read(false)));
            V3Plan plan = planner().plan(snapshot);
            java.util.OptionalLong cover = plan instanceof V3Plan.NeedNodeList
                    ? V3Cover.changedNodesFrom(snapshot, watchChangedNodes()) : java.util.OptionalLong.empty();
            if (cover.isPresent()) {
                long readRevision = snapshot.revision();
                snapshot = context.timer().time("read", () -> new V3ChangedNodes(session, context,
                        candidateClaimKeys()).read(cover.getAsLong(), readRevision, watchChangedNodes()));
                plan = planner().plan(snapshot);
            }
            if (plan instanceof V3Plan.NeedNodeList need) {
                LOG.info("Reading all nodes: {}", need.why());
                snapshot = context.timer().time("read", () -> read(true));
                plan = planner().plan(snapshot);
            }
            if (plan instanceof V3Plan.Fail fail) {
                throw fail.failure();
            }
            if (!(plan instanceof V3Plan.Write write)) {
                throw new IllegalStateException("unexpected plan " + plan);
            }
            if (snapshot.clusterInformation().isEmpty()) {
                context.foreignDataCheck().run();
            }
            Optional<StartupOutcome> report = context.timer().time("write", () -> write(write));
            if (report.isPresent()) {
                return report.get().withRetries(retries);
            }
            retries++;
            if (retries >= MAX_ATTEMPTS) {
                throw new StartupException(Reason.INTERNAL, "Gave up registering node " + name + " after "
                        + retries + " conflicting concurrent updates of its key or IP claims");
            }
            LOG.info("Node {} or one of its IP claims changed while starting; retrying from a fresh read "
                    + "(attempt {})", name, retries + 1);
            backoff.pause(context.deadline());
        }
    }

    private V3Planner planner() {
        return new V3Planner(context, connection.claimsPermitted());
    }

    /**
     * Settles the release profile from the version the cluster records; when that release names the node or detects
     * its addresses differently, the keys read no longer fit them, so the cluster is read again.
     */
    private V3Snapshot settleProfile(V3Snapshot snapshot) {
        StartupContext settled = context.withRecordedVersion(snapshot.clusterInformation()
                .map(info -> V3ClusterResources.recordedVersion(info.value())));
        if (settled == context) {
            return snapshot;
        }
        boolean renamed = !settled.nodeName().equals(name);
        if (renamed) {
            LOG.info("calico-node {} names this node {}, not {}", settled.profile().release(), settled.nodeName(),
                    name);
        }
        boolean reread = renamed || !settled.candidates().sameAddresses(context.candidates());
        context = settled;
        name = context.nodeName();
        return reread ? context.timer().time("read", () -> read(false)) : snapshot;
    }

    // ------------------------------------------------------------------------------------------------- read

    private V3Snapshot read(boolean forceNodeList) {
        List<String> claimKeys = connection.claimsPermitted() ? candidateClaimKeys() : List.of();
        List<Op> base = V3FirstRead.baseReads(name, claimKeys);
        long start = System.nanoTime();
        IoStats.Counts before = context.stats().snapshot();
        V3Snapshot snapshot;
        if (!mayNeedNodeList()) {
            snapshot = V3FirstRead.snapshot(session.txn(READ, List.of(), base, List.of()), claimKeys, false);
        } else if (!connection.claimsPermitted()) {
            // Without claims nothing in etcd can say an explicit address is unchanged: list, as calico-node would.
            List<Op> withNodes = V3FirstRead.with(base, List.of(Op.get(V3Keys.NODES, true)));
            boolean list = forceNodeList || explicitCandidate();
            V3Response.Txn response = list ? session.txn(READ, List.of(), withNodes, List.of())
                    : session.txn(READ, skipNodeListWhen(claimKeys), base, withNodes);
            snapshot = V3FirstRead.snapshot(response, claimKeys, list || !response.succeeded());
        } else {
            // With claims, a claims cover can stand in for most of the node list (V3Cover). Where there is none, or
            // it cannot serve (forceNodeList), every claim is read beside every node, so that the write can create
            // it or move it up to this read.
            base.add(Op.get(V3Keys.CLAIMS_COVER, false));
            snapshot = forceNodeList ? everything(base, claimKeys) : coverAwareRead(base, claimKeys);
        }
        IoStats.Counts cost = context.stats().snapshot().minus(before);
        LOG.info("Read node {}, {} IP pool(s), cluster information and Felix configuration{} in one round trip "
                + "at revision {}: {} keys, {} bytes, {} ms", name, snapshot.pools().size(),
                snapshot.nodes().map(n -> " and all " + n.size() + " nodes").orElse(snapshot.cover().newestNodes()
                        .map(n -> " and the " + n.size() + " most recently changed nodes").orElse("")),
                snapshot.revision(),
                cost.keysRead(), cost.bytesRead(), (System.nanoTime() - start) / 1_000_000);
        return snapshot;
    }

    /** The first read where the claims cover may stand in for the node list ({@link V3FirstRead.CoverAware}). */
    private V3Snapshot coverAwareRead(List<Op> base, List<String> claimKeys) {
        V3FirstRead.CoverAware read = V3FirstRead.CoverAware.of(base, skipNodeListWhen(claimKeys),
                watchChangedNodes());
        List<V3Response.Txn> answers = session.txns(READ, read.requests());
        Optional<V3Snapshot> served = read.served(answers, claimKeys);
        if (served.isPresent()) {
            return served.get();
        }
        LOG.info("The cluster changed while it was read (at revision {} the addresses may have changed, but no "
                + "transaction beside it found them so); reading every node", answers.get(0).revision());
        return everything(base, claimKeys);
    }

    /** Every node and every claim beside {@code base} (which reads the cover). */
    private V3Snapshot everything(List<Op> base, List<String> claimKeys) {
        V3Response.Txn response = session.txn(READ, List.of(),
                V3FirstRead.with(base, V3FirstRead.Beside.EVERYTHING.reads()), List.of());
        return V3FirstRead.snapshot(response, claimKeys, V3FirstRead.Beside.EVERYTHING);
    }

    /** {@code CALICO_STARTUP_CHANGED_NODES=watch}: the nodes changed since the claims cover are found by a watch. */
    private boolean watchChangedNodes() {
        return context.config().claimsCover().changedNodes() == ChangedNodes.WATCH;
    }

    /** Claims to read: the addresses this host offers, as far as the settings may use them. */
    private List<String> candidateClaimKeys() {
        List<String> keys = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            context.candidates().of(family).address().ifPresent(a -> keys.add(V3Keys.claim(a)));
        }
        return keys;
    }

    /** Whether IP or IP6 names an address (or autodetect) and this host offers one. */
    private boolean explicitCandidate() {
        var settings = context.config().node();
        for (IpFamily family : IpFamily.values()) {
            AddressSetting setting = family == IpFamily.V4 ? settings.ipv4() : settings.ipv6();
            boolean explicit = setting.mode() == AddressSetting.Mode.AUTODETECT
                    || setting.mode() == AddressSetting.Mode.FIXED;
            if (explicit && context.candidates().of(family).address().isPresent()) {
                return true;
            }
        }
        return false;
    }

    private boolean mayNeedNodeList() {
        return context.profile().configuresAddresses(context.config().node())
                && !context.config().node().disableNodeIpCheck();
    }

    /**
     * Conditions under which the addresses cannot have changed: each explicitly configured or autodetected
     * candidate is already claimed by this node; with {@code IP} unset, the node exists (its stored IPv4 stays).
     */
    private List<Cmp> skipNodeListWhen(List<String> claimKeys) {
        List<Cmp> conditions = new ArrayList<>();
        var settings = context.config().node();
        for (IpFamily family : IpFamily.values()) {
            AddressSetting setting = family == IpFamily.V4 ? settings.ipv4() : settings.ipv6();
            Optional<CidrAddress> candidate = context.candidates().of(family).address();
            boolean explicit = setting.mode() == AddressSetting.Mode.AUTODETECT
                    || setting.mode() == AddressSetting.Mode.FIXED;
            if (explicit && candidate.isPresent()) {
                conditions.add(Cmp.value(V3Keys.claim(candidate.get()), V3Resources.claim(name)));
            }
        }
        if (settings.ipv4().mode() == AddressSetting.Mode.KEEP) {
            conditions.add(Cmp.exists(V3Keys.node(name)));
        }
        return conditions;
    }

    // ------------------------------------------------------------------------------------------------ write

    private Optional<StartupOutcome> write(V3Plan.Write plan) {
        long start = System.nanoTime();
        if (plan.operations().isEmpty()) {
            // Nothing changed: no transaction at all (what was decided rests on the read).
            return Optional.of(new StartupOutcome(plan.before(), plan.after(), false, List.of(), List.of(),
                    plan.conflictCheckRan(), plan.conflicts(), 0, context.profile().recordedVersion(), name));
        }
        V3Response.Txn response = session.txn("write node " + name, plan.conditions(), plan.operations(), List.of());
        if (!response.succeeded()) {
            return Optional.empty();
        }
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        if (plan.nodeWritten()) {
            (plan.nodeCreated() ? created : updated).add(plan.nodeKey());
        }
        List<V3Response.Txn> nested = response.txns();
        for (int i = 0; i < plan.shared().size(); i++) {
            V3Plan.SharedWrite shared = plan.shared().get(i);
            if (i < nested.size() && nested.get(i).succeeded()) {
                (shared.create() ? created : updated).add(shared.key());
                if (shared.create() && shared.key().startsWith(V3Keys.IPPOOLS)) {
                    LOG.info("Created {}", shared.description());
                }
            }
        }
        LOG.info("{} node {} with {} in one round trip: {} ms", plan.nodeCreated() ? "Created"
                : plan.nodeWritten() ? "Updated" : "Wrote the shared resources of", name, plan.after(),
                (System.nanoTime() - start) / 1_000_000);
        if (plan.failAfter().isPresent()) {
            LOG.warn("Terminating");
            throw plan.failAfter().get();
        }
        return Optional.of(new StartupOutcome(plan.before(), plan.after(), plan.nodeCreated(), created, updated,
                plan.conflictCheckRan(), plan.conflicts(), 0, context.profile().recordedVersion(), name));
    }
}
