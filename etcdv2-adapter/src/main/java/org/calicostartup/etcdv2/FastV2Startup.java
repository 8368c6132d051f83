package org.calicostartup.etcdv2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.spi.StartupOutcome;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.EtcdV2Client.Response;
import org.calicostartup.internal.Backoff;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.node.IpClaims;
import org.calicostartup.node.StoredAddresses;
import org.calicostartup.spi.IoStats;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-startup's etcd v2 startup in at most three sequential round trips, whatever the cluster size:
 * <ol>
 *   <li>one concurrent batch of reads of what concerns this node: its own keys (metadata, host directory, its
 *       {@code /calico/bgp/v1/host/<n>} subtree), pools, global configuration and the IP claim leases of its
 *       candidate addresses — a few kilobytes, whatever the cluster size;</li>
 *   <li>only if its addresses changed (first registration included): the host listing and one recursive GET of
 *       {@code /calico/bgp/v1/host} (every node's addresses in one response, never the per-host endpoint trees),
 *       together with leases on the new addresses ({@code prevExist=false}, with a TTL);</li>
 *   <li>the writes: calico-node 2.6's eight node writes, Ready, ClusterGUID, default pools, default configuration
 *       and directories, as one concurrent batch.</li>
 * </ol>
 * A restart with unchanged addresses is steps 1 and 3: two round trips and O(1) bytes, so a fleet restart reads
 * O(N) in total. On a conflict, step 3 only releases the leases just taken (and, see {@link #clearOutOfDate},
 * clears an out-of-date autodetected address): no other key is written.
 *
 * <p>etcd v2 has no multi-key transaction, so claims here are leases: created with a TTL (the startup deadline
 * plus a margin) while a node registers a new address, and left to expire. While it lives, a second node with the
 * same address fails as if the first one's keys were already there; once it expires, those keys are there and the
 * conflict check finds them. A node that dies in between leaves nothing that blocks the address for long.
 */
final class FastV2Startup {

    private static final Logger LOG = LoggerFactory.getLogger(FastV2Startup.class);
    private static final int MAX_ATTEMPTS = 10;

    private final EtcdV2Client client;
    private final EtcdV2Client.Session session;
    private boolean claimsOn;
    private StartupContext context;
    private final StartupConfig config;
    private final String name;
    private final String ourClaim;

    FastV2Startup(EtcdV2Client client, StartupContext context) {
        this.client = client;
        this.session = client.session(context.stats(), context.deadline());
        this.claimsOn = client.claimsPermitted();
        this.context = context;
        this.config = context.config();
        this.name = context.nodeName();
        this.ourClaim = V2Layout.claimValue(name);
    }

    StartupOutcome run() {
        context.profile().refuseUnsupported(config);
        try {
            return attempts();
        } catch (StartupException refused) {
            if (refused.reason() != Reason.UNAUTHORIZED || !claimsOn) {
                throw refused;
            }
            // Calico's documented calico/node role for etcd v2 (v2.6/reference/advanced/etcd-rbac/
            // calico-etcdv2-paths.md@v2.6.12) may read /calico/* but write only below /calico/v1, /calico/bgp/v1,
            // /calico/ipam/v2 and /calico/felix/v1. Try once without the claims: if that works, the credentials
            // are fine and only the claims were refused; if not, the first refusal stands.
            claimsOn = false;
            StartupOutcome report;
            try {
                report = attempts();
            } catch (StartupException again) {
                if (again.reason() == Reason.UNAUTHORIZED) {
                    throw refused;
                }
                throw again;
            }
            if (client.denyClaims()) {
                LOG.warn("The etcd role of {} may not write calico-startup's IP claim leases under {} ({}). "
                        + "Registered as calico-node does: list the hosts, then write, so two nodes starting at the "
                        + "same moment with one address can both register it. Grant the role read and write on "
                        + "/calico/startup/* to make address claims race-free again.", config.datastore()
                        .credentials().map(c -> "user " + c.username()).orElse("this client"), IpClaims.PREFIX,
                        refused.getMessage());
            }
            return report;
        }
    }

    private StartupOutcome attempts() {
        Backoff backoff = Backoff.jittered(Duration.ofMillis(20), Duration.ofMillis(100));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<StartupOutcome> report = attempt();
            if (report.isPresent()) {
                return report.get().withRetries(attempt);
            }
            LOG.info("An IP claim of node {} was taken meanwhile; retrying from a fresh read (attempt {})", name,
                    attempt + 2);
            backoff.pause(context.deadline());
        }
        throw new StartupException(Reason.INTERNAL, "Gave up registering node " + name + " after " + MAX_ATTEMPTS
                + " lost races for its IP claims");
    }

    private Optional<StartupOutcome> attempt() {
        List<String> claimKeys = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            context.candidates().of(family).address().filter(a -> claimsOn)
                    .ifPresent(a -> claimKeys.add(V2Layout.claim(a)));
        }
        V2Snapshot r = V2Snapshot.of(timedRead("read this node, pools and global configuration",
                V2Snapshot.requests(name, claimKeys)), claimKeys);
        StartupContext settled = context.withRecordedVersion(r.recordedVersion());
        if (settled != context) {
            boolean readAgain = !settled.candidates().sameAddresses(context.candidates());
            context = settled;
            if (readAgain) {
                // The recorded release detects addresses differently: the claims read were for other addresses.
                return attempt();
            }
        }

        boolean exists = r.nodeExists();
        Map<String, String> ownBgp = r.ownBgp().node().map(V2Layout::leaves).orElse(Map.of());
        V2Rules.Decision decision = V2Rules.decide(context, V2Rules.own(name, exists, ownBgp));
        long writeStart = System.nanoTime();
        Checked checked = decision.checkRuns() ? check(r, exists, decision) : Checked.NOT_RUN;
        if (checked.lostRace()) {
            return Optional.empty();
        }
        List<String> created = write(r, decision, checked.leases());
        LOG.info("{} node {} with {} in {} ms", exists ? "Updated" : "Created", name, decision.after(),
                (System.nanoTime() - writeStart) / 1_000_000);
        return Optional.of(new StartupOutcome(decision.before(), decision.after(), !exists, created,
                List.of(V2Layout.host(name), V2Layout.bgpHost(name)), decision.checkRuns(), List.of(), 0,
                context.profile().recordedVersion(), name));
    }

    /**
     * What the conflict check left: the leases taken on the new addresses, or that one was lost to another node
     * meanwhile. (A conflict fails the startup instead.)
     */
    private record Checked(List<Request> leases, boolean lostRace) {
        static final Checked NOT_RUN = new Checked(List.of(), false);
        static final Checked LOST_RACE = new Checked(List.of(), true);
    }

    /**
     * The address changed: reads every host's addresses and takes leases on the new addresses, together. On a
     * conflict, releases the leases just taken (and clears an out-of-date address) and fails.
     */
    private Checked check(V2Snapshot r, boolean exists, V2Rules.Decision decision) {
        List<ConflictCheck.Conflict> pending = new ArrayList<>();
        List<Request> leases = claimsOn ? new V2Leases(name, ourClaim, context.deadline()).take(decision, r, pending)
                : List.of();
        V2HostsRead read = V2HostsRead.of(timedRead("read all hosts and lease the new address",
                V2HostsRead.requests(leases)));
        for (int i = 0; i < leases.size(); i++) {
            if (read.leases().get(i).conditionFailed()) {
                return Checked.LOST_RACE;
            }
            requireOk(leases.get(i), read.leases().get(i));
        }
        List<ConflictCheck.Conflict> conflicts = new ArrayList<>(V2Rules.conflicts(name, decision.after(),
                V2Tree.children(read.hosts()), V2Tree.hosts(read.bgpHosts())));
        for (ConflictCheck.Conflict lease : pending) {
            if (conflicts.stream().noneMatch(c -> c.family() == lease.family())) {
                LOG.warn("{} (it is registering that address right now)", lease.message());
                conflicts.add(lease);
            }
        }
        if (!conflicts.isEmpty()) {
            List<Request> undo = new ArrayList<>(clearOutOfDate(exists, decision, conflicts));
            leases.forEach(lease -> undo.add(Request.delete(lease.key(), Map.of("prevValue", ourClaim))));
            context.timer().time("write", () -> session.batch("release the leases of node " + name, undo));
            throw V2Rules.conflictFailure(conflicts);
        }
        return new Checked(leases, false);
    }

    /**
     * The third round trip: shared resources, the node keys that change, and the release of leases on addresses
     * given up. Returns the keys created (the leases taken included).
     */
    private List<String> write(V2Snapshot r, V2Rules.Decision decision, List<Request> leases) {
        List<Request> writes = new ArrayList<>(new V2SharedWrites(context).writes(r));
        writes.addAll(unlessAlreadyStored(V2Layout.nodeWrites(name, decision.after(), decision.asNumber(),
                context.profile().k8sNodeRef(config.node())), r));
        // A lease on an address just given up would block its next owner until it expires.
        writes.addAll(releases(decision.before(), decision.after()));
        List<Response> results = context.timer().time("write", () -> session.batch("write node " + name, writes));
        List<String> created = new ArrayList<>(leases.stream().map(Request::key).toList());
        for (int i = 0; i < writes.size(); i++) {
            Request request = writes.get(i);
            Response response = results.get(i);
            if (request.method().equals("PUT") && "false".equals(request.query().get("prevExist"))) {
                if (response.ok()) {
                    created.add(request.key());
                }
                continue;
            }
            if (request.method().equals("DELETE") && (response.notFound() || response.conditionFailed())) {
                continue;
            }
            if (request.query().containsKey("prevIndex") && response.conditionFailed()) {
                LOG.info("Ignoring conflict when setting value {}", request.key());
                continue;
            }
            requireOk(request, response);
        }
        return created;
    }

    /**
     * calico-node 2.6 rewrites every node key on every start; the values it would write are compared with what the
     * first batch read instead, and a write that would change nothing (same value, or a delete of an absent key) is
     * left out. The keys end up byte-identical either way; a fleet restart just writes far less.
     */
    private static List<Request> unlessAlreadyStored(List<Request> writes, V2Snapshot r) {
        Map<String, String> stored = new HashMap<>();
        r.hostDirectory().node().ifPresent(host -> host.path("nodes").forEach(child -> {
            if (!child.path("dir").asBoolean(false)) {
                stored.put(child.path("key").asText(), child.path("value").asText(""));
            }
        }));
        V2Tree.leaves(r.ownBgp()).forEach((key, leaf) -> stored.put(key, leaf.value()));
        List<Request> needed = new ArrayList<>();
        for (Request write : writes) {
            boolean unchanged = write.method().equals("DELETE") ? !stored.containsKey(write.key())
                    : write.value().isPresent() && write.value().get().equals(stored.get(write.key()));
            if (!unchanged) {
                needed.add(write);
            }
        }
        return needed;
    }


    private List<Response> timedRead(String what, List<Request> reads) {
        IoStats.Counts before = context.stats().snapshot();
        long start = System.nanoTime();
        List<Response> responses = context.timer().time("read", () -> session.batch(what, reads));
        IoStats.Counts cost = context.stats().snapshot().minus(before);
        LOG.info("{}: one round trip of {} concurrent requests, {} keys, {} bytes, {} ms", Character.toUpperCase(
                what.charAt(0)) + what.substring(1), reads.size(), cost.keysRead(), cost.bytesRead(),
                (System.nanoTime() - start) / 1_000_000);
        return responses;
    }

    /**
     * The writes that clear this node's out-of-date address (none when nothing is to be cleared).
     * Beyond calico-node 2.6 (deliberately): an existing node that autodetects an address another node holds gets
     * its stored address of that family cleared before it fails, as calico-node v3 does (calico#1589). Without it
     * nodes rebooted with rotated addresses (calico#1471) block each other forever. Nothing is written otherwise.
     */
    private List<Request> clearOutOfDate(boolean exists, V2Rules.Decision decision,
            List<ConflictCheck.Conflict> conflicts) {
        var cleared = ConflictCheck.clearConflicting(config.node(), exists, decision.before(), conflicts.stream()
                .filter(c -> decision.before().of(c.family()).isPresent()).toList());
        if (cleared.equals(decision.before())) {
            return List.of();
        }
        List<Request> writes = new ArrayList<>(V2Layout.nodeWrites(name, cleared, decision.asNumber(),
                context.profile().k8sNodeRef(config.node())));
        writes.addAll(releases(decision.before(), cleared));
        return writes;
    }

    /** Deletes of this node's leases on the addresses {@code after} gives up, if still its own (none without claims). */
    private List<Request> releases(StoredAddresses before, StoredAddresses after) {
        return claimsOn ? before.givenUp(after).stream().map(old -> Request.delete(V2Layout.claim(old),
                Map.of("prevValue", ourClaim))).toList() : List.of();
    }

    private void requireOk(Request request, Response response) {
        if (!response.ok() && !(request.query().containsKey("dir") && response.conditionFailed())) {
            throw new StartupException(Reason.INTERNAL, "etcd refused " + request + ": " + response.errorCode() + " "
                    + response.message());
        }
    }
}
