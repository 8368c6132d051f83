package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.calicostartup.StartupReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claims cover (V3Cover) on a real etcd: created by a startup that read every node and claim, it lets a first
 * registration read only the nodes changed since it — and still catch a node written without claims after it.
 */
class ClaimsCoverTest extends SharedEtcdV3Test {

    @BeforeEach
    void coverFromAnySize() {
        etcd.setEnv("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "0");
    }

    @AfterEach
    void defaultSize() {
        etcd.clearEnv();
    }

    @Test
    void aFirstRegistrationReadsOnlyTheNodesChangedSinceTheCover() {
        etcd.seedNodes(200, 400);
        StartupReport first = etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(first.io().keysRead() >= 200, first.summary());
        // The 200 seeded nodes had no claims: the first startup back-filled 40 of them, so no cover yet.
        assertTrue(etcd.get(V3Keys.CLAIMS_COVER).isEmpty());
        for (int i = 0; i < 5 && etcd.get(V3Keys.CLAIMS_COVER).isEmpty(); i++) {
            etcd.start(etcd.env("node-b" + i, "IP", "10.0.1." + (i + 1) + "/24"),
                    EtcdV3Fixture.host("10.0.1." + (i + 1) + "/24"));
        }
        assertTrue(etcd.get(V3Keys.CLAIMS_COVER).isPresent(), "created once every node was claimed");

        StartupReport next = etcd.start(etcd.env("node-c", "IP", "10.0.0.13/24"),
                EtcdV3Fixture.host("10.0.0.13/24"));
        assertEquals(2, next.io().roundTrips(), next.summary());
        assertTrue(next.io().keysRead() <= V3Cover.NEWEST + 8 && next.io().bytesRead() < 64 * 1024,
                "the nodes changed since the cover, not the 200: " + next.summary());
    }

    /**
     * Every case of the first read — no cover (every node), a restart with unchanged addresses, an address change,
     * a first registration beside a cover — is read-only for etcd: the startup's only raft proposal is its write. A
     * transaction nested in the read made etcd take it for a write ({@code isTxnReadonly},
     * {@code etcdserver/v3_server.go} @v3.4.23), applied on every member in turn; this failed with 2 per startup.
     */
    @Test
    void theStartupsOnlyRaftProposalIsItsWrite() {
        etcd.seedNodes(60, 400);
        long before = etcd.proposalsCommitted();
        StartupReport first = etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(first.io().keysRead() >= 60 && etcd.get(V3Keys.CLAIMS_COVER).isEmpty(), first.summary());
        assertEquals(1, etcd.proposalsCommitted() - before, "no cover, every node read: " + first.summary());

        before = etcd.proposalsCommitted();
        StartupReport restart = etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"),
                EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(restart.io().keysRead() < 10, restart.summary());
        // calico-node v3.26.2+ (the default release) writes an unchanged node not at all (needsNodeUpdate).
        assertEquals(0, etcd.proposalsCommitted() - before, "restart: " + restart.summary());
        before = etcd.proposalsCommitted();
        StartupReport olderRestart = etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24",
                "CALICO_STARTUP_CALICO_VERSION", "v3.26.1"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertEquals(1, etcd.proposalsCommitted() - before, "restart as v3.26.1: " + olderRestart.summary());

        before = etcd.proposalsCommitted();
        StartupReport moved = etcd.start(etcd.env("node-a", "IP", "10.0.0.12/24"),
                EtcdV3Fixture.host("10.0.0.12/24"));
        assertTrue(moved.conflictCheckRan(), moved.summary());
        assertEquals(1, etcd.proposalsCommitted() - before, "address change: " + moved.summary());

        etcd.seedNodesUntilCovered(0);
        before = etcd.proposalsCommitted();
        StartupReport covered = etcd.start(etcd.env("node-c", "IP", "10.0.0.13/24"),
                EtcdV3Fixture.host("10.0.0.13/24"));
        assertEquals(2, covered.io().roundTrips(), covered.summary());
        assertTrue(covered.io().keysRead() <= V3Cover.NEWEST + 8, covered.summary());
        assertEquals(1, etcd.proposalsCommitted() - before, "beside the cover: " + covered.summary());
    }

    @Test
    void aNodeWrittenWithoutClaimsAfterTheCoverIsStillAConflict() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        assertTrue(etcd.get(V3Keys.CLAIMS_COVER).isPresent(), "created by the first startup of an empty cluster");
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");

        etcd.assertConflict("node-b", "10.0.0.42/24", "calico-node-x");
    }

    @Test
    void aNodeUnchangedSinceTheCoverIsFoundThroughItsClaim() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        for (int i = 0; i < V3Cover.NEWEST + 3; i++) {
            etcd.start(etcd.env("node-f" + i, "IP", "10.0.2." + (i + 1) + "/24"),
                    EtcdV3Fixture.host("10.0.2." + (i + 1) + "/24"));
        }
        etcd.assertConflict("node-z", "10.0.0.11/24", "node-a");
    }

    @Test
    void manyChangesSinceTheCoverAreReadWithoutReadingEveryNode() {
        etcd.seedNodesUntilCovered(300);
        for (int i = 0; i < V3Cover.NEWEST + 8; i++) {
            etcd.putCalicoNode("calico-node-" + i, "10.0.3." + (i + 1) + "/24");
        }
        // None of them has a claim yet: the conflict can only be seen among the nodes changed since the cover.
        etcd.assertConflict("node-x", "10.0.3.8/24", "calico-node-7");
        StartupReport report = etcd.start(etcd.env("node-c", "IP", "10.0.0.13/24"),
                EtcdV3Fixture.host("10.0.0.13/24"));
        assertEquals(3, report.io().roundTrips(), "the read, the nodes changed since the cover, the write: "
                + report.summary());
        assertTrue(report.io().keysRead() < 2 * V3Cover.NEWEST + 30, "not the 300: " + report.summary());
        etcd.assertConflict("node-d", "10.0.3.5/24", "calico-node-4");
    }

    @Test
    void aWriteVouchesOnlyForWhatFitsInOneTransactionAndTheCoverMovesUpInSteps() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        String cover = etcd.get(V3Keys.CLAIMS_COVER).orElseThrow();
        // etcd refuses a transaction whose levels together hold more than 128 operations (--max-txn-ops): a nested
        // transaction gets what its parent left. Vouching for these 63 changed nodes would take ~130 (it failed
        // the registration with "too many operations in txn request").
        for (int i = 0; i < 62; i++) {
            etcd.putCalicoNode("calico-node-" + i, "10.0.5." + (i + 1) + "/24");
        }
        StartupReport report = etcd.start(etcd.env("node-b", "IP", "10.0.0.43/24"),
                EtcdV3Fixture.host("10.0.0.43/24"));
        assertEquals(3, report.io().roundTrips(), report.summary());
        // node-b back-filled the claims of the oldest changes that fit; a cover never moves in the write that
        // back-fills what it relies on, so it is where it was.
        assertEquals(cover, etcd.get(V3Keys.CLAIMS_COVER).orElseThrow());
        etcd.start(etcd.env("node-c", "IP", "10.0.0.44/24"), EtcdV3Fixture.host("10.0.0.44/24"));
        String moved = etcd.get(V3Keys.CLAIMS_COVER).orElseThrow();
        long revision = Long.parseLong(moved.replaceAll("[^0-9]", ""));
        assertTrue(!moved.equals(cover) && revision < etcd.modRevision(V3Keys.node("calico-node-61")),
                "moved up to before the oldest change node-c could not vouch for: " + moved);
        int roundTrips = 0;
        for (int i = 0; i < 4 && roundTrips != 2; i++) {
            roundTrips = (int) etcd.start(etcd.env("node-d" + i, "IP", "10.0.0." + (50 + i) + "/24"),
                    EtcdV3Fixture.host("10.0.0." + (50 + i) + "/24")).io().roundTrips();
        }
        assertEquals(2, roundTrips, "the cover caught up in steps: " + etcd.get(V3Keys.CLAIMS_COVER));
        etcd.assertConflict("node-x", "10.0.5.62/24", "calico-node-61");
    }

    @Test
    void anUnreadableCoverMeansReadingEveryNode() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        etcd.put(V3Keys.CLAIMS_COVER, "{\"revision\":\"soon\"}");
        etcd.putCalicoNode("calico-node-x", "10.0.0.42/24");
        StartupReport[] started = new StartupReport[1];
        java.util.List<String> warnings = Warnings.of(V3Cover.class, () -> started[0] = etcd.start(
                etcd.env("node-b", "IP", "10.0.0.43/24"), EtcdV3Fixture.host("10.0.0.43/24")));
        StartupReport report = started[0];
        assertEquals(3, report.io().roundTrips(), "the read, every node, the write: " + report.summary());
        assertEquals(java.util.List.of("Ignoring the unreadable claims cover " + V3Keys.CLAIMS_COVER
                + " ({\"revision\":\"soon\"}): reading all nodes"), warnings);
        // That startup read every node and claim and back-filled calico-node-x's claim; the next one finds every
        // node claimed and moves the cover up to its read (etcd evaluates all of a transaction's conditions before
        // its writes, so a cover is never written beside the claims it relies on).
        assertTrue(etcd.get(V3Keys.claim(org.calicostartup.net.CidrAddress.parse("10.0.0.42").orElseThrow()))
                .orElseThrow().contains("calico-node-x"));
        etcd.start(etcd.env("node-c", "IP", "10.0.0.44/24"), EtcdV3Fixture.host("10.0.0.44/24"));
        assertTrue(etcd.get(V3Keys.CLAIMS_COVER).orElseThrow().matches("\\{\"revision\":[0-9]+}"),
                etcd.get(V3Keys.CLAIMS_COVER).toString());
        StartupReport next = etcd.start(etcd.env("node-d", "IP", "10.0.0.45/24"),
                EtcdV3Fixture.host("10.0.0.45/24"));
        assertEquals(2, next.io().roundTrips(), next.summary());
        etcd.assertConflict("node-e", "10.0.0.42/24", "calico-node-x");
    }

    @Test
    void aCoverTooFarBehindIsMovedUpByTheStartupThatReadsEveryNode() {
        etcd.start(etcd.env("node-a", "IP", "10.0.0.11/24"), EtcdV3Fixture.host("10.0.0.11/24"));
        String old = etcd.get(V3Keys.CLAIMS_COVER).orElseThrow();
        // More claim-less changes than the nodes read since a cover: it cannot serve any more.
        etcd.seedNodes(V3Cover.CHANGED_MAX + 1, 400);
        StartupReport full = etcd.start(etcd.env("node-b", "IP", "10.0.0.43/24"),
                EtcdV3Fixture.host("10.0.0.43/24"));
        assertTrue(full.io().keysRead() > V3Cover.CHANGED_MAX, "every node: " + full.summary());
        // 1,001 unclaimed nodes are back-filled 40 per write; the cover moves up once all are claimed.
        for (int i = 0; i < 30 && etcd.get(V3Keys.CLAIMS_COVER).orElseThrow().equals(old); i++) {
            etcd.start(etcd.env("node-c" + i, "IP", "10.0.4." + (i + 1) + "/24"),
                    EtcdV3Fixture.host("10.0.4." + (i + 1) + "/24"));
        }
        assertTrue(!etcd.get(V3Keys.CLAIMS_COVER).orElseThrow().equals(old), "moved up: " + old);
        StartupReport next = etcd.start(etcd.env("node-d", "IP", "10.0.0.44/24"),
                EtcdV3Fixture.host("10.0.0.44/24"));
        assertEquals(2, next.io().roundTrips(), next.summary());
        assertTrue(next.io().bytesRead() < 64 * 1024, "not every node again: " + next.summary());
    }
}
