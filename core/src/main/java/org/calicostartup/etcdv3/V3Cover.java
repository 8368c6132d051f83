package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.internal.JsonTrees;
import org.calicostartup.net.IpFamily;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.node.ConflictCheck.ListedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims cover: a key holding a revision R at which every node's addresses were claimed by that node. A node
 * unchanged since R cannot hold an address without that address's claim naming it (a claim is only removed by its
 * holder's own write, which changes the node, or taken over when the holder's node no longer has the address — a
 * condition in the same transaction). So when a cover exists, the conflict check needs only this host's candidate
 * claims (always read) and the nodes changed since R: the first read asks for the {@link #NEWEST} most recently
 * changed nodes instead of all of them, and if the oldest of those changed at or before R, every node changed since
 * R is among them. Otherwise — no cover, a cover that cannot be read, more changes than that, a candidate claim held
 * by a node outside them — the startup reads every node, as Calico does.
 *
 * <p>A startup that read every node and every claim creates the cover (back-filling a few missing claims of nodes
 * written without claims, as calico-node writes them) once the cluster has {@code ClaimsCoverSettings.minNodes()}
 * nodes — or, when the cover could not serve it, moves it up to its own read the same way; a startup that read the
 * changed nodes advances it to its read revision after checking, in its write, that their claims name them — or, when
 * more changed than one transaction can check, to just before the oldest change it could not check.
 */
final class V3Cover {

    private static final Logger LOG = LoggerFactory.getLogger(V3Cover.class);

    /** Nodes changed since the cover that the first read fetches: ~1 KB each. */
    static final int NEWEST = 32;
    /** Nodes changed since the cover read when more than {@link #NEWEST} changed; more → every node is read. */
    static final int CHANGED_MAX = 1000;
    /** Claims back-filled by one write (each is a nested transaction; see {@link #MAX_TXN_OPS}). */
    static final int BACKFILL = 40;
    /**
     * etcd's default {@code --max-txn-ops}: a transaction level may hold 128 operations (or conditions), and a
     * nested transaction only what its parent's level leaves of them ({@code checkTxnRequest},
     * {@code etcdserver/api/v3rpc/key.go} @v3.4.23).
     */
    static final int MAX_TXN_OPS = 128;
    /** Revisions a watch from the cover replays at most; a cover further behind has its changed nodes ranged. */
    static final long WATCH_MAX_REVISIONS = 20_000;

    private V3Cover() {
    }

    /** The nodes the conflict check can rely on: all of them, or ({@code partial}) the ones changed since R. */
    record View(List<Stored> nodes, boolean partial) {
    }

    /** The view the snapshot allows: every node, the nodes changed since a valid cover, or none (read them). */
    static Optional<View> view(V3Snapshot snapshot) {
        if (snapshot.nodes().isPresent()) {
            return Optional.of(new View(snapshot.nodes().get(), false));
        }
        long revision = revision(snapshot.cover().key(), snapshot.revision());
        if (revision == 0) {
            // Said here, at the first read, in either mode (watch mode reads no newest nodes to look at).
            snapshot.cover().key().ifPresent(cover -> LOG.warn("Ignoring the unreadable claims cover {} ({}): "
                    + "reading all nodes", cover.key(), new String(cover.value(), StandardCharsets.UTF_8)));
            return Optional.empty();
        }
        Optional<List<Stored>> newest = snapshot.cover().newestNodes();
        return newest.flatMap(read -> changedSince(snapshot, read, revision));
    }

    /**
     * The cover's revision when the first read could not tell the nodes changed since it and they are worth reading
     * (a second round trip, {@link V3ChangedNodes}) before all of them: in watch mode ({@code watch}, where the first
     * read asks for no changed node), whenever it found a usable cover; otherwise when more than the {@link #NEWEST}
     * most recently changed nodes it read changed since it. Empty after that second read.
     */
    static java.util.OptionalLong changedNodesFrom(V3Snapshot snapshot, boolean watch) {
        if (snapshot.nodes().isPresent() || !snapshot.cover().read() || snapshot.cover().changedSince() > 0) {
            return java.util.OptionalLong.empty();
        }
        long revision = revision(snapshot.cover().key(), snapshot.revision());
        if (revision == 0) {
            return java.util.OptionalLong.empty();
        }
        Optional<List<Stored>> newest = snapshot.cover().newestNodes();
        boolean worth = newest.isPresent() ? changedSince(snapshot, newest.get(), revision).isEmpty() : watch;
        return worth ? java.util.OptionalLong.of(revision) : java.util.OptionalLong.empty();
    }

    /** The nodes changed since the cover's {@code revision}, if what was read holds all of them. */
    private static Optional<View> changedSince(V3Snapshot snapshot, List<Stored> read, long revision) {
        List<Stored> changed = read.stream().filter(s -> s.modRevision() > revision).toList();
        long since = snapshot.cover().changedSince();
        boolean complete = since > 0
                // Every node modified after `since` (one past the cover an earlier read saw): complete unless cut
                // at the limit, or the cover now is older than that one.
                ? read.size() <= CHANGED_MAX && revision + 1 >= since
                // The most recently modified nodes: complete when the oldest of them changed at or before the
                // cover, or when there were fewer than asked for.
                : changed.size() < read.size() || read.size() < NEWEST;
        return complete ? Optional.of(new View(changed, true)) : Optional.empty();
    }

    /** The cover's revision if it can be trusted at a read at {@code readRevision}, else 0. */
    static long revision(Optional<Stored> cover, long readRevision) {
        if (cover.isEmpty()) {
            return 0;
        }
        try {
            JsonNode json = JsonTrees.read(V3Resources.JSON, new String(cover.get().value(), StandardCharsets.UTF_8));
            JsonNode revision = json.get("revision");
            if (revision != null && revision.canConvertToLong() && revision.isIntegralNumber()
                    && revision.asLong() > 0 && revision.asLong() <= readRevision) {
                return revision.asLong();
            }
        } catch (java.io.IOException e) {
            // unreadable: 0
        }
        return 0;
    }

    /**
     * Adds to the write, after everything else, the nested transactions that create or advance the cover: claims
     * back-filled for nodes that lack them, then the cover itself, on condition that it is as read and that the
     * claims of the nodes it newly vouches for name them. Nothing when there is nothing to do or it cannot be done.
     */
    static void plan(V3Snapshot snapshot, View view, Map<String, ListedNode> listed, String ownName, int minNodes,
            List<Op> operations) {
        Optional<Stored> cover = snapshot.cover().key();
        boolean create = !view.partial() && snapshot.cover().allClaims().isPresent()
                && view.nodes().size() >= minNodes;
        if (!create && !view.partial()) {
            return;
        }
        Map<String, String> holders = new HashMap<>();
        snapshot.cover().allClaims().ifPresent(claims -> claims.forEach(c -> holders.put(c.key(),
                V3Resources.claimHolder(c.value()).orElse(""))));
        List<Op> backfill = new ArrayList<>();
        List<Cmp> vouched = new ArrayList<>();
        // The revision the cover moves to: this read's, or — when one write cannot vouch for every changed node —
        // one before the oldest change it cannot vouch for (the nodes are taken oldest change first), so that every
        // node changed since the cover and up to it is vouched for.
        long to = snapshot.revision();
        List<Stored> nodes = view.partial() ? view.nodes().stream()
                .sorted(java.util.Comparator.comparingLong(Stored::modRevision)).toList() : view.nodes();
        for (Stored node : nodes) {
            Optional<String> name = V3Keys.nodeName(node.key());
            if (name.isEmpty() || name.get().equals(ownName)) {
                continue;
            }
            ListedNode addresses = listed.get(name.get());
            if (addresses == null) {
                return; // unreadable, so its addresses are unknown: nothing can vouch for it
            }
            List<Op> nodeBackfill = new ArrayList<>();
            List<Cmp> nodeVouched = new ArrayList<>();
            for (IpFamily family : IpFamily.values()) {
                if (addresses.of(family).isEmpty()) {
                    continue;
                }
                String key = V3Keys.claim(CidrAddress.host(addresses.of(family).get()));
                byte[] claim = V3Resources.claim(name.get());
                if (create && name.get().equals(holders.get(key))) {
                    continue; // read in this snapshot, naming its node
                }
                if (create && holders.containsKey(key)) {
                    return; // claimed by another node: two nodes with one address, nothing to vouch for
                }
                nodeBackfill.add(new Op.Txn(List.of(Cmp.version(key, 0), Cmp.modRevision(node.key(),
                        node.modRevision())), List.of(Op.put(key, claim)), List.of()));
                nodeVouched.add(Cmp.value(key, claim));
            }
            if (!create && !fits(operations, backfill.size() + nodeBackfill.size(),
                    vouched.size() + nodeVouched.size())) {
                to = node.modRevision() - 1;
                break; // more changed nodes than one write can vouch for: the cover moves up to before this one
            }
            backfill.addAll(nodeBackfill);
            vouched.addAll(nodeVouched);
            if (create && backfill.size() > BACKFILL) {
                break; // too many unclaimed to create the cover now: these are enough to make progress
            }
        }
        if (!create && to <= revision(cover, snapshot.revision())) {
            return; // not even the oldest change fits: the cover stays where it is
        }
        // etcd refuses a transaction that writes one key twice: a claim this write already takes or releases, or
        // one address held by two of the nodes, means there is nothing to vouch for anyway.
        Set<String> written = new HashSet<>();
        operations.forEach(op -> keysWritten(op, written));
        for (Op op : backfill) {
            if (!written.add(((Op.Put) ((Op.Txn) op).then().get(0)).key())) {
                return;
            }
        }
        if (create && backfill.size() > BACKFILL) {
            LOG.info("{} node addresses are not claimed yet; claiming {} of them (the claims cover is created when "
                    + "all are)", backfill.size(), BACKFILL);
            operations.addAll(backfill.subList(0, BACKFILL));
            return;
        }
        if (create && !fits(operations, backfill.size(), vouched.size())) {
            // (A partial view's loop above stopped where it fits.)
            operations.addAll(backfill); // at most BACKFILL: the cover waits for a write with room for it
            return;
        }
        operations.addAll(backfill);
        List<Cmp> conditions = new ArrayList<>();
        conditions.add(cover.map(c -> Cmp.modRevision(c.key(), c.modRevision()))
                .orElse(Cmp.version(V3Keys.CLAIMS_COVER, 0)));
        conditions.addAll(vouched);
        operations.add(new Op.Txn(conditions, List.of(Op.put(V3Keys.CLAIMS_COVER,
                ("{\"revision\":" + to + "}").getBytes(StandardCharsets.UTF_8))), List.of()));
    }

    /**
     * Whether the write's operations, the back-fills and the cover's transaction (its conditions: the cover and the
     * vouched claims) stay within {@link #MAX_TXN_OPS}.
     */
    private static boolean fits(List<Op> operations, int backfill, int vouched) {
        int level = operations.size() + backfill + 1;
        return level + 1 + vouched <= MAX_TXN_OPS;
    }

    private static void keysWritten(Op op, Set<String> keys) {
        if (op instanceof Op.Put put) {
            keys.add(put.key());
        } else if (op instanceof Op.Delete delete) {
            keys.add(delete.key());
        } else if (op instanceof Op.Txn txn) {
            txn.then().forEach(o -> keysWritten(o, keys));
            txn.otherwise().forEach(o -> keysWritten(o, keys));
        }
    }
}
