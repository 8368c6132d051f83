package org.calicostartup.etcdv2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.V2Tree.Leaf;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.spi.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IP claims with etcd v2's primitives: leases, created with a TTL while a node registers a new address, so that a
 * second node with that address fails as if the first one's keys were already there.
 */
final class V2Leases {

    private static final Logger LOG = LoggerFactory.getLogger(V2Leases.class);
    private static final long CLAIM_TTL_MARGIN_SECONDS = 10;
    /**
     * The longest a lease lives, whatever CALICO_STARTUP_TIMEOUT says: a lease covers the two round trips between
     * taking it and writing the node's keys, so a dead node never blocks its address for longer than this.
     */
    static final long MAX_CLAIM_TTL_SECONDS = 300;

    private final String name;
    private final String ourClaim;
    private final Deadline deadline;

    V2Leases(String name, String ourClaim, Deadline deadline) {
        this.name = name;
        this.ourClaim = ourClaim;
        this.deadline = deadline;
    }

    /**
     * Leases on the new addresses, taken before the node's keys are written: created with {@code prevExist=false}
     * (or refreshed if this node already holds one). A lease held by another node means that node is registering
     * the same address right now: a conflict, exactly as if its keys were already there; it goes to
     * {@code pending} and is not taken.
     */
    List<Request> take(V2Rules.Decision decision, V2Snapshot read, List<ConflictCheck.Conflict> pending) {
        List<Request> claims = new ArrayList<>();
        String ttl = Long.toString(claimTtlSeconds(deadline.total()));
        for (IpFamily family : IpFamily.values()) {
            Optional<CidrAddress> address = decision.after().of(family);
            if (address.isEmpty()) {
                continue;
            }
            String key = V2Layout.claim(address.get());
            Optional<Leaf> claim = read.claim(key);
            if (claim.isEmpty()) {
                claims.add(Request.put(key, ourClaim, Map.of("prevExist", "false", "ttl", ttl)));
                continue;
            }
            Optional<String> holder = V2Layout.claimHolder(claim.get().value());
            if (!claim.get().expiring() || claim.get().ttlSeconds() > MAX_CLAIM_TTL_SECONDS) {
                // Not one of ours (ours always expire soon): a hand-made or leftover key would block the address
                // for good. Stale, as on etcd v3: taken over only if nobody changed it meanwhile.
                LOG.info("Taking over the stale claim {} of {} (it {})", key, holder.map(h -> "node " + h)
                        .orElse("an unreadable holder"), claim.get().expiring() ? "lives "
                        + claim.get().ttlSeconds() + " s" : "never expires");
                claims.add(Request.put(key, ourClaim, Map.of("prevIndex", Long.toString(claim.get().modifiedIndex()),
                        "ttl", ttl)));
                continue;
            }
            if (holder.isPresent() && holder.get().equals(name)) {
                claims.add(Request.put(key, ourClaim, Map.of("prevIndex", Long.toString(claim.get().modifiedIndex()),
                        "ttl", ttl)));
                continue;
            }
            pending.add(new ConflictCheck.Conflict(family, holder.orElse("(unknown)"), address.get().ip()));
        }
        return claims;
    }

    /** The lease's TTL: the startup deadline plus a margin, at most {@link #MAX_CLAIM_TTL_SECONDS}. */
    static long claimTtlSeconds(java.time.Duration startupDeadline) {
        return Math.min(startupDeadline.toSeconds() + CLAIM_TTL_MARGIN_SECONDS, MAX_CLAIM_TTL_SECONDS);
    }
}
