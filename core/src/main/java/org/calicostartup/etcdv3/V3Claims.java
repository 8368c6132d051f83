package org.calicostartup.etcdv3;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.etcdv3.V3Plan.SharedWrite;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.ConflictCheck.ListedNode;
import org.calicostartup.node.StoredAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The IP claims part of the etcd v3 plan: which claims the node's transaction takes, keeps and releases. */
final class V3Claims {

    private static final Logger LOG = LoggerFactory.getLogger(V3Claims.class);

    private final String name;
    private final byte[] ourClaim;

    V3Claims(String name, byte[] ourClaim) {
        this.name = name;
        this.ourClaim = ourClaim;
    }

    /**
     * Takes a claim for each address the node will have, and releases claims of addresses it gives up. A claim
     * held by a node that no longer has that address, or no longer exists, is stale and taken over — with conditions
     * on both the claim and that node, so a node that just took the address back wins the race.
     */
    Optional<V3Plan> plan(V3Snapshot snapshot, Optional<V3Cover.View> view, Map<String, ListedNode> listed,
            StoredAddresses before, StoredAddresses after, List<Cmp> conditions, List<Op> operations,
            List<SharedWrite> shared) {
        for (IpFamily family : IpFamily.values()) {
            Optional<CidrAddress> address = after.of(family);
            if (address.isEmpty()) {
                continue;
            }
            String key = V3Keys.claim(address.get());
            Stored claim = snapshot.claims().get(key);
            if (claim == null) {
                // Not read (the address came from the stored node): make sure it exists, never fail over it.
                operations.add(Op.txn(List.of(Cmp.version(key, 0)), List.of(Op.put(key, ourClaim))));
                shared.add(new SharedWrite(key, true, "IP claim"));
                continue;
            }
            if (!claim.present()) {
                conditions.add(Cmp.version(key, 0));
                operations.add(Op.put(key, ourClaim));
                continue;
            }
            Optional<String> holder = V3Resources.claimHolder(claim.value());
            if (holder.isPresent() && holder.get().equals(name)) {
                conditions.add(Cmp.modRevision(key, claim.modRevision()));
                continue;
            }
            if (listed == null) {
                return Optional.of(new V3Plan.NeedNodeList("the claim " + key + " is held by "
                        + holder.orElse("an unreadable value")));
            }
            ListedNode holderNode = holder.map(listed::get).orElse(null);
            if (holderNode == null && view.orElseThrow().partial()) {
                // Not changed since the claims cover: its addresses are unknown without the whole list.
                return Optional.of(new V3Plan.NeedNodeList("the claim " + key + " is held by "
                        + holder.orElse("an unreadable value") + ", unchanged since the claims cover"));
            }
            boolean stale = holderNode == null || !holderNode.of(family).equals(Optional.of(address.get().address()));
            if (!stale) {
                // Only reachable when the conflict check did not run (unchanged address, or it is disabled).
                LOG.warn("{} address {} is also used by node {}, which holds its claim; not claiming it", family,
                        address.get().ip(), holder.get());
                continue;
            }
            takeOver(view.orElseThrow().nodes(), key, claim, holder, conditions, operations);
        }
        release(before, after, operations, shared);
        return Optional.empty();
    }

    /**
     * Takes over a stale claim: on condition that neither the claim nor its holder's node (or its absence) changed
     * since they were read.
     */
    private void takeOver(List<Stored> nodes, String key, Stored claim, Optional<String> holder,
            List<Cmp> conditions, List<Op> operations) {
        LOG.info("Taking over the stale claim {} of {}", key, holder.map(h -> "node " + h)
                .orElse("an unreadable holder"));
        conditions.add(Cmp.modRevision(key, claim.modRevision()));
        if (holder.isPresent()) {
            String holderKey = V3Keys.node(holder.get());
            long holderRevision = nodes.stream().filter(s -> s.key().equals(holderKey))
                    .mapToLong(Stored::modRevision).findFirst().orElse(0);
            conditions.add(holderRevision == 0
                    ? Cmp.version(holderKey, 0) : Cmp.modRevision(holderKey, holderRevision));
        }
        operations.add(Op.put(key, ourClaim));
    }

    /** Releases the claims of addresses given up, if still ours (a nested transaction: never fails the whole). */
    private void release(StoredAddresses before, StoredAddresses after, List<Op> operations,
            List<SharedWrite> shared) {
        for (CidrAddress old : before.givenUp(after)) {
            String key = V3Keys.claim(old);
            operations.add(Op.txn(List.of(Cmp.value(key, ourClaim)), List.of(Op.delete(key))));
            shared.add(new SharedWrite(key, false, "released IP claim"));
        }
    }
}
