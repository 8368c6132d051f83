package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.node.Candidates;
import org.calicostartup.spi.Deadline;
import org.calicostartup.spi.IoStats;
import org.calicostartup.spi.PhaseTimer;
import org.calicostartup.spi.StartupContext;
import org.calicostartup.testing.EtcdCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claims cover with the nodes changed since it found by a watch ({@code CALICO_STARTUP_CHANGED_NODES=watch},
 * V3Watch) on a real etcd: a first registration reads no node it does not need, in three round trips, and still
 * catches a node written without claims after the cover; a deleted node's address is free again; a compacted or
 * refused watch falls back to ranging the changed nodes, never to a weaker check.
 */
class ClaimsCoverWatchTest extends SharedEtcdV3Test {

    @BeforeEach
    void watchFromAnySize() {
        watchFromAnySize(etcd);
    }

    private static EtcdV3Fixture watchFromAnySize(EtcdV3Fixture fixture) {
        return fixture.setEnv("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "0")
                .setEnv("CALICO_STARTUP_CHANGED_NODES", "watch");
    }

    @AfterEach
    void defaults() {
        etcd.clearEnv();
    }

    @Test
    void aFirstRegistrationWatchesOnlyTheNodesChangedSinceTheCover() {
        etcd.seedNodesUntilCovered(200);
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");

        StartupReport next = etcd.start(etcd.env("node-c", "IP", "10.0.0.13/24"),
                EtcdV3Fixture.host("10.0.0.13/24"));
        assertEquals(3, next.io().roundTrips(), "the read, the watch beside a read, the write: " + next.summary());
        // The read's three read-only transactions (V3FirstRead.CoverAware), the watch and the transaction
        // beside it, the write.
        assertEquals(6, next.io().requests(), next.summary());
        assertTrue(next.io().keysRead() < 30 && next.io().bytesRead() < 16 * 1024,
                "the nodes changed since the cover, not the 200: " + next.summary());
        assertTrue(etcd.get(V3Keys.CLAIMS_FENCE).orElseThrow().contains("node-c"));
        // The cover moved up to node-c's second read, after it vouched for calico-node-x's (back-filled) claim.
        etcd.assertConflict("node-d", "10.0.0.42/24", "calico-node-x");
    }

    @Test
    void aNodeWrittenWithoutClaimsAfterTheCoverIsStillAConflict() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.get(V3Keys.CLAIMS_COVER).isPresent(), "created by the first startup of an empty cluster");
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");
        // Changed again, later: the watch must use its last state, not its first.
        etcd.putCalicoNode("calico-node-y", "10.0.0.50/24");
        etcd.putCalicoNode("calico-node-y", "10.0.0.51/24");

        etcd.assertConflict("node-b", "10.0.0.42/24", "calico-node-x");
        etcd.assertConflict("node-c", "10.0.0.51/24", "calico-node-y");
        etcd.start(etcd.env("node-e", "IP", "10.0.0.50/24"), EtcdV3Fixture.host("10.0.0.50/24"));
    }

    /**
     * On a three-member cluster, talking to each member alone (the leader and both followers): a follower applies the
     * fence after the leader, and its watch still delivers every change up to it before the fence's event.
     */
    @Test
    void eachMemberOfAClusterServesTheWatchUpToTheFence(@TempDir Path dir)
            throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder()
                .members(3).start(); EtcdV3Fixture three = watchFromAnySize(new EtcdV3Fixture(cluster, dir))) {
            three.start(three.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
            for (int m = 0; m < 3; m++) {
                String endpoint = cluster.member(m).clientUri().toString();
                String holder = "calico-node-" + m;
                String taken = "10.0.6." + (m + 1) + "/24";
                three.putCalicoNode(holder, taken);
                StartupException e = assertThrows(StartupException.class, () -> three.start(three.env("node-x",
                        "IP", taken, "ETCD_ENDPOINTS", endpoint), EtcdV3Fixture.host(taken)));
                assertEquals(StartupException.Reason.IP_CONFLICT, e.reason(), e.getMessage());
                assertTrue(e.getMessage().contains(holder), e.getMessage());
                StartupReport report = three.start(three.env("node-m" + m, "IP", "10.0.7." + (m + 1) + "/24",
                        "ETCD_ENDPOINTS", endpoint), EtcdV3Fixture.host("10.0.7." + (m + 1) + "/24"));
                assertEquals(3, report.io().roundTrips(), endpoint + ": " + report.summary());
            }
        }
    }

    /**
     * The member a watch was opened on dies before the transaction beside it (calls fail over to the next member):
     * the watch is not waited for and the changed nodes are ranged on the member that answered, the claim-less node
     * among them. A dead member's watch also fails by itself; the log line shows that the guard decided first
     * (without it the line is "Could not watch …": checked by hand).
     */
    @Test
    void aWatchOnAMemberTheCallsFailedOverFromIsNotWaitedFor(@TempDir Path dir) throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).start()) {
            watchOnAMemberThatFails(cluster, dir, () -> cluster.member(0).kill());
        }
    }

    /**
     * The case the guard is for: the watch's member is alive but cut off from its peers (a network partition), so it
     * would never reach the transaction's revision. The transaction beside the watch is told "no leader" there and
     * fails over; the watch is not waited for, and the changed nodes are ranged on the member that answered. Since
     * every call carries {@code hasleader}, etcd refuses the watch on that member too ("no leader"), so without the
     * guard the result is the same through "Could not watch … no leader" (checked); the guard decides first.
     */
    @Test
    void aWatchOnAMemberCutOffFromItsPeersIsNotWaitedFor(@TempDir Path dir) throws Exception {
        try (EtcdCluster cluster = EtcdCluster.builder().members(3).firstMemberPartitionable().start()) {
            watchOnAMemberThatFails(cluster, dir, cluster::cutOffFirstMember);
        }
    }

    /**
     * node-a registers (creating the cover), a claim-less node is written, the cover is read; then {@code failure}
     * strikes the member calls go to, and node-b's watch-mode read of the changed nodes runs — built from the
     * package's parts, so that the failure falls between the watch and the transaction beside it deterministically.
     */
    private static void watchOnAMemberThatFails(EtcdCluster cluster, Path dir, Runnable failure) throws Exception {
        try (EtcdV3Fixture three = watchFromAnySize(new EtcdV3Fixture(cluster, dir))) {
            three.start(three.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
            three.putCalicoNode("calico-node-x", "10.0.0.42/24");
            Map<String, String> env = three.env("node-b", "IP", "10.0.0.43/24");
            assertTrue(env.get("ETCD_ENDPOINTS").startsWith(cluster.member(0).clientUri().toString()),
                    "the member that fails is the one calls go to first: " + env.get("ETCD_ENDPOINTS"));
            StartupConfig config = StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "unused"));
            EtcdV3Connection connection = EtcdV3Connection.open(config.datastore());
            try {
                IoStats stats = new IoStats();
                EtcdV3Connection.Session session = connection.session(stats, Deadline.after(Duration.ofSeconds(60)));
                V3Response.Range cover = session.get("read the claims cover", V3Keys.CLAIMS_COVER, false);
                long coverRevision = V3Cover.revision(cover.kvs().stream().findFirst(), cover.revision());
                assertTrue(coverRevision > 0, "node-a created the cover");
                failure.run();

                List<String> said = new ArrayList<>();
                V3Snapshot[] read = new V3Snapshot[1];
                said.addAll(Warnings.logged(V3ChangedNodes.class, ch.qos.logback.classic.Level.INFO, () ->
                        read[0] = new V3ChangedNodes(session, context(config, stats), List.of())
                                .read(coverRevision, cover.revision(), true)));

                assertTrue(said.stream().anyMatch(line -> line.startsWith("Not waiting for the watch of the nodes "
                        + "changed since the claims cover: etcd member " + cluster.member(0).clientUri())), said
                        + "");
                // Ranged on the member that answered: node-a (its own registration made the cover) and the
                // claim-less calico-node-x.
                assertTrue(said.stream().anyMatch(line -> line.startsWith("Read the 2 nodes changed since the "
                        + "claims cover")), said + "");
                assertEquals(Set.of(V3Keys.node("node-a"), V3Keys.node("calico-node-x")),
                        read[0].cover().newestNodes().orElseThrow().stream().map(V3Snapshot.Stored::key)
                                .collect(Collectors.toSet()));
            } finally {
                connection.close();
            }
        }
    }

    private static StartupContext context(StartupConfig config, IoStats stats) {
        IpAutodetector detector = new IpAutodetector(() -> List.of(HostInterface.of("eth0", "10.0.0.43/24")),
                d -> {
                    throw new java.io.IOException("no routes in tests");
                });
        return new StartupContext(config, StartupMode.FAST, Candidates.find(config.node(), detector,
                config.profileBeforeReading()), detector, false, Clock.systemUTC(),
                Deadline.after(Duration.ofSeconds(60)), stats, new PhaseTimer(), config.profileBeforeReading(),
                () -> { });
    }

    @Test
    void aNodeDeletedSinceTheCoverNoLongerHoldsItsAddress() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");
        etcd.delete(V3Keys.node("calico-node-x"));
        StartupReport report = etcd.start(etcd.env("node-b", "IP", "10.0.0.42/24"),
                EtcdV3Fixture.host("10.0.0.42/24"));
        assertEquals(3, report.io().roundTrips(), report.summary());
    }

    @Test
    void aCompactedCoverRevisionMeansRangingTheChangedNodes() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");
        etcd.compactToHead();
        etcd.assertConflict("node-b", "10.0.0.42/24", "calico-node-x");
        StartupReport ranged = etcd.start(etcd.env("node-c", "IP", "10.0.0.43/24"),
                EtcdV3Fixture.host("10.0.0.43/24"));
        assertEquals(4, ranged.io().roundTrips(), "the read, the refused watch, the range, the write: "
                + ranged.summary());
        // node-c back-filled calico-node-x's claim; node-d (also ranging) finds it and moves the cover up to its
        // read, after the compaction (etcd evaluates a transaction's conditions before its writes, so a cover
        // never moves in the write that back-fills a claim it relies on): watching from it works again.
        assertEquals(4, etcd.start(etcd.env("node-d", "IP", "10.0.0.44/24"), EtcdV3Fixture.host("10.0.0.44/24"))
                .io().roundTrips());
        StartupReport watched = etcd.start(etcd.env("node-e", "IP", "10.0.0.45/24"),
                EtcdV3Fixture.host("10.0.0.45/24"));
        assertEquals(3, watched.io().roundTrips(), watched.summary());
    }

    @Test
    void anUnreadableCoverIsSaidAndEveryNodeRead() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        etcd.put(V3Keys.CLAIMS_COVER, "{\"revision\":-1}");
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");
        List<String> warnings = Warnings.of(V3Cover.class, () ->
                etcd.assertConflict("node-b", "10.0.0.42/24", "calico-node-x"));
        assertEquals(List.of("Ignoring the unreadable claims cover " + V3Keys.CLAIMS_COVER
                + " ({\"revision\":-1}): reading all nodes"), warnings);
    }
}
