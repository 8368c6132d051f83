package org.calicostartup.etcdv2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.EtcdV2Client.Response;
import org.calicostartup.etcdv2.V2Tree.Leaf;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.spi.IoStats;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-startup's etcd v2 startup in at most three sequential round trips, whatever the cluster size:
 * <ol>
 *   <li>one concurrent batch of reads: the host listing, one recursive GET of {@code /calico/bgp/v1/host} (every
 *       node's addresses in one response, never the per-host endpoint trees), pools, global configuration, this
 *       node's keys and the IP claims of its candidate addresses;</li>
 *   <li>one concurrent batch of creates: IP claims ({@code prevExist=false}, or compare-and-swap of a stale
 *       claim), Ready, ClusterGUID, default pools, default configuration and directories;</li>
 *   <li>once the claims are held, the node's keys (calico-node 2.6's eight writes).</li>
 * </ol>
 * When no claim has to be taken (the address did not change, so there is no conflict check either), steps 2 and 3
 * are one batch.
 *
 * <p>etcd v2 has no multi-key transaction, so claims here are leases: created with a TTL (the startup deadline
 * plus a margin) while a node registers a new address, and left to expire. While it lives, a second node with the
 * same address fails as if the first one's keys were already there; once it expires, those keys are there and the
 * conflict check finds them. A node that dies in between leaves nothing that blocks the address for long.
 */
final class FastV2Startup {

    private static final Logger LOG = LoggerFactory.getLogger(FastV2Startup.class);
    private static final int MAX_ATTEMPTS = 10;
    private static final long CLAIM_TTL_MARGIN_SECONDS = 10;

    private final EtcdV2Client.Session session;
    private final StartupContext context;
    private final StartupConfig config;
    private final String name;
    private final String ourClaim;

    FastV2Startup(EtcdV2Client client, StartupContext context) {
        this.session = client.session(context.stats(), context.deadline());
        this.context = context;
        this.config = context.config();
        this.name = context.nodeName();
        this.ourClaim = V2Layout.claimValue(name);
    }

    StartupReport run() {
        V2Rules.rejectUnsupported(config.node());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<StartupReport> report = attempt();
            if (report.isPresent()) {
                StartupReport r = report.get();
                return new StartupReport(r.nodeName(), r.datastore(), r.mode(), r.before(), r.after(),
                        r.nodeCreated(), r.created(), r.updated(), r.conflictCheckRan(), r.conflicts(),
                        context.timer().phases(), context.stats().snapshot(), attempt, context.deadline().elapsed());
            }
            LOG.info("An IP claim of node {} was taken meanwhile; retrying from a fresh read (attempt {})", name,
                    attempt + 2);
        }
        throw new StartupException(Reason.INTERNAL, "Gave up registering node " + name + " after " + MAX_ATTEMPTS
                + " lost races for its IP claims");
    }

    private Optional<StartupReport> attempt() {
        List<String> claimKeys = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) {
            context.candidates().of(family).address().ifPresent(a -> claimKeys.add(V2Layout.claim(a)));
        }
        List<Request> reads = new ArrayList<>(List.of(
                Request.get(V2Layout.HOSTS, false, true),
                Request.get(V2Layout.BGP_HOSTS, true, true),
                Request.get(V2Layout.host(name) + "/metadata", false, false),
                Request.get(V2Layout.host(name) + "/orchestrator_refs", false, false),
                Request.get(V2Layout.host(name) + "/config/DefaultEndpointToHostAction", false, false),
                Request.get(V2Layout.IPAM, true, true),
                Request.get(V2Layout.CONFIG, true, true),
                Request.get(V2Layout.READY, false, false),
                Request.get(V2Layout.BGP_GLOBAL, true, true)));
        claimKeys.forEach(key -> reads.add(Request.get(key, false, false)));
        IoStats.Counts before = context.stats().snapshot();
        long start = System.nanoTime();
        List<Response> r = context.timer().time("read", () -> session.batch("read the cluster", reads));
        List<String> hosts = V2Tree.children(r.get(0));
        Map<String, Map<String, String>> bgp = V2Tree.hosts(r.get(1));
        IoStats.Counts cost = context.stats().snapshot().minus(before);
        LOG.info("Read {} hosts' addresses, pools and global configuration in one round trip of {} concurrent "
                + "requests: {} keys, {} bytes, {} ms", hosts.size(), reads.size(), cost.keysRead(), cost.bytesRead(),
                (System.nanoTime() - start) / 1_000_000);

        boolean exists = r.get(2).ok() || hosts.contains(name);
        V2Rules.OwnNode own = V2Rules.own(name, exists, bgp.getOrDefault(name, Map.of()));
        V2Rules.Decision decision = V2Rules.decide(context, own);
        List<ConflictCheck.Conflict> conflicts = List.of();
        if (decision.checkRuns()) {
            conflicts = V2Rules.conflicts(name, decision.after(), hosts, bgp);
            if (!conflicts.isEmpty()) {
                clearOutOfDate(exists, decision, conflicts);
                throw V2Rules.conflictFailure(conflicts);
            }
        }

        List<Request> claims = decision.checkRuns() ? claims(decision, claimKeys, r) : List.of();
        List<Request> shared = shared(r, decision);
        List<Request> nodeWrites = new ArrayList<>(V2Layout.nodeWrites(name, decision.after(), decision.asNumber(),
                config.node().k8sNodeRef()));
        for (IpFamily family : IpFamily.values()) {
            Optional<CidrAddress> old = decision.before().of(family);
            if (old.isPresent() && !decision.after().of(family).map(a -> a.address().equals(old.get().address()))
                    .orElse(false)) {
                // A lease on the address just given up would block its next owner until it expires.
                nodeWrites.add(Request.delete(V2Layout.claim(old.get()), Map.of("prevValue", ourClaim)));
            }
        }
        long writeStart = System.nanoTime();
        List<Request> first = new ArrayList<>(claims);
        first.addAll(shared);
        if (claims.isEmpty()) {
            first.addAll(nodeWrites);
        }
        List<Response> firstResults = context.timer().time("write", () -> session.batch("create claims and "
                + "defaults", first));
        for (int i = 0; i < claims.size(); i++) {
            if (firstResults.get(i).conditionFailed()) {
                return Optional.empty();
            }
            requireOk(claims.get(i), firstResults.get(i));
        }
        List<Request> all = new ArrayList<>(first);
        List<Response> results = new ArrayList<>(firstResults);
        if (!claims.isEmpty()) {
            results.addAll(context.timer().time("write", () -> session.batch("write node " + name, nodeWrites)));
            all.addAll(nodeWrites);
        }
        List<String> created = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Request request = all.get(i);
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
        LOG.info("{} node {} with {} in {} ms", exists ? "Updated" : "Created", name, decision.after(),
                (System.nanoTime() - writeStart) / 1_000_000);
        context.timer().time("files", () -> {
            StartupEnvFile.write(config.startupEnvFile(), name);
            return null;
        });
        return Optional.of(new StartupReport(name, DatastoreType.ETCDV2, StartupMode.FAST, decision.before(),
                decision.after(), !exists, created, List.of(V2Layout.host(name), V2Layout.bgpHost(name)),
                decision.checkRuns(), conflicts.stream().map(ConflictCheck.Conflict::message).toList(), Map.of(),
                context.stats().snapshot(), 0, context.deadline().elapsed()));
    }

    /**
     * Beyond calico-node 2.6 (deliberately): an existing node that autodetects an address another node holds gets
     * its stored address of that family cleared before it fails, as calico-node v3 does (calico#1589). Without it
     * nodes rebooted with rotated addresses (calico#1471) block each other forever. Nothing is written otherwise.
     */
    private void clearOutOfDate(boolean exists, V2Rules.Decision decision, List<ConflictCheck.Conflict> conflicts) {
        var cleared = ConflictCheck.clearConflicting(config.node(), exists, decision.before(), conflicts.stream()
                .filter(c -> decision.before().of(c.family()).isPresent()).toList());
        if (cleared.equals(decision.before())) {
            return;
        }
        List<Request> writes = new ArrayList<>(V2Layout.nodeWrites(name, cleared, decision.asNumber(),
                config.node().k8sNodeRef()));
        for (IpFamily family : IpFamily.values()) {
            Optional<CidrAddress> old = decision.before().of(family);
            if (old.isPresent() && cleared.of(family).isEmpty()) {
                writes.add(Request.delete(V2Layout.claim(old.get()), Map.of("prevValue", ourClaim)));
            }
        }
        context.timer().time("write", () -> session.batch("clear the out-of-date address of node " + name, writes));
    }

    /**
     * Leases on the new addresses, taken before the node's keys are written: created with {@code prevExist=false}
     * (or refreshed if this node already holds one). A lease held by another node means that node is registering
     * the same address right now: a conflict, exactly as if its keys were already there.
     */
    private List<Request> claims(V2Rules.Decision decision, List<String> claimKeys, List<Response> reads) {
        List<Request> claims = new ArrayList<>();
        String ttl = Long.toString(context.deadline().total().toSeconds() + CLAIM_TTL_MARGIN_SECONDS);
        for (IpFamily family : IpFamily.values()) {
            Optional<CidrAddress> address = decision.after().of(family);
            if (address.isEmpty()) {
                continue;
            }
            String key = V2Layout.claim(address.get());
            int index = claimKeys.indexOf(key);
            Optional<Leaf> claim = index < 0 ? Optional.empty() : V2Tree.value(reads.get(9 + index));
            if (claim.isEmpty()) {
                claims.add(Request.put(key, ourClaim, Map.of("prevExist", "false", "ttl", ttl)));
                continue;
            }
            Optional<String> holder = V2Layout.claimHolder(claim.get().value());
            if (holder.isPresent() && holder.get().equals(name)) {
                claims.add(Request.put(key, ourClaim, Map.of("prevIndex", Long.toString(claim.get().modifiedIndex()),
                        "ttl", ttl)));
                continue;
            }
            ConflictCheck.Conflict pending = new ConflictCheck.Conflict(family, holder.orElse("(unknown)"),
                    address.get().ip());
            LOG.warn("{} (it is registering that address right now)", pending.message());
            throw V2Rules.conflictFailure(List.of(pending));
        }
        return claims;
    }

    /** Ready, ClusterGUID, default pools, default configuration and directories, as creates where absent. */
    private List<Request> shared(List<Response> r, V2Rules.Decision decision) {
        List<Request> writes = new ArrayList<>();
        Map<String, Leaf> config = V2Tree.leaves(r.get(6));
        Map<String, Leaf> bgpGlobal = V2Tree.leaves(r.get(8));
        if (!r.get(7).ok()) {
            writes.add(Request.put(V2Layout.READY, "true", Map.of("prevExist", "false")));
        }
        if (!config.containsKey(V2Layout.CONFIG + "/ClusterGUID")) {
            writes.add(Request.put(V2Layout.CONFIG + "/ClusterGUID", V2Layout.clusterGuid(),
                    Map.of("prevExist", "false")));
        }
        writes.addAll(pools(V2Tree.leaves(r.get(5)).keySet()));
        for (Map.Entry<String, String> entry : V2Layout.defaults(name).entrySet()) {
            boolean present = entry.getKey().endsWith("DefaultEndpointToHostAction") ? r.get(4).ok()
                    : config.containsKey(entry.getKey());
            if (!present) {
                writes.add(Request.put(entry.getKey(), entry.getValue(), Map.of("prevExist", "false")));
            }
        }
        writes.add(Request.put(V2Layout.CONFIG + "/CalicoVersion", V2Layout.CALICO_VERSION, Map.of()));
        if (!this.config.clusterType().isEmpty()) {
            Leaf existing = config.get(V2Layout.CONFIG + "/ClusterType");
            if (existing == null) {
                writes.add(Request.put(V2Layout.CONFIG + "/ClusterType", String.join(",", this.config.clusterType()),
                        Map.of("prevExist", "false")));
            } else {
                V2Layout.mergeClusterType(existing.value(), this.config.clusterType()).ifPresent(merged ->
                        writes.add(Request.put(V2Layout.CONFIG + "/ClusterType", merged,
                                Map.of("prevIndex", Long.toString(existing.modifiedIndex())))));
            }
        }
        for (Map.Entry<String, String> entry : V2Layout.bgpDefaults().entrySet()) {
            if (!bgpGlobal.containsKey(entry.getKey())) {
                writes.add(Request.put(entry.getKey(), entry.getValue(), Map.of("prevExist", "false")));
            }
        }
        writes.addAll(V2Layout.directories(name));
        return writes;
    }

    private List<Request> pools(java.util.Set<String> ipamKeys) {
        if (config.noDefaultPools()) {
            LOG.info("Skipping IP pool configuration");
            return List.of();
        }
        boolean v4 = ipamKeys.stream().anyMatch(k -> V2Layout.poolFamily(k).equals(Optional.of(IpFamily.V4)));
        boolean v6 = ipamKeys.stream().anyMatch(k -> V2Layout.poolFamily(k).equals(Optional.of(IpFamily.V6)));
        List<Request> writes = new ArrayList<>();
        if (!v4) {
            PoolSettings pool = config.ipv4Pool();
            CidrAddress cidr = pool.cidr().orElse(PoolSettings.DEFAULT_IPV4_CIDR);
            LOG.info("Ensure default IPv4 pool is created. IPIP mode: {}", ipipMode(pool));
            writes.add(Request.put(V2Layout.poolKey(cidr), V2Layout.poolValue(cidr, pool), Map.of("prevExist",
                    "false")));
            if (pool.ipipMode() != EncapsulationMode.NEVER) {
                writes.add(Request.put(V2Layout.CONFIG + "/IpInIpEnabled", "true", Map.of()));
            }
        }
        if (!v6 && context.ipv6Supported()) {
            PoolSettings pool = config.ipv6Pool();
            CidrAddress cidr = pool.cidr().orElse(CidrAddress.parse(V2Layout.DEFAULT_IPV6_POOL).orElseThrow());
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

    private void requireOk(Request request, Response response) {
        if (!response.ok() && !(request.query().containsKey("dir") && response.conditionFailed())) {
            throw new StartupException(Reason.INTERNAL, "etcd refused " + request + ": " + response.errorCode() + " "
                    + response.message());
        }
    }
}
