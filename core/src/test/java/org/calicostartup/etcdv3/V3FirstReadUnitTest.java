package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.calicostartup.etcdv3.V3FirstRead.Beside;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.junit.jupiter.api.Test;

/**
 * {@link V3FirstRead.CoverAware}: the first read's transactions — each read-only by etcd's rule, one per case — and
 * which of their answers the startup decides on, without etcd, including the answers only a cluster changing between
 * them gives.
 */
class V3FirstReadUnitTest {

    private static final String CLAIM = V3Keys.CLAIMS + "ipv4/10.0.0.11";
    private static final List<String> CLAIM_KEYS = List.of(CLAIM);
    /** The unchanged transaction, then with-cover and without-cover for each of the claim's two negations. */
    private static final List<Beside> NEWEST_MODE = List.of(Beside.NOTHING, Beside.NEWEST_NODES, Beside.EVERYTHING,
            Beside.NEWEST_NODES, Beside.EVERYTHING);
    private static final List<Beside> WATCH_MODE = List.of(Beside.NOTHING, Beside.EVERYTHING, Beside.EVERYTHING);

    /**
     * etcd serves a transaction as a read only when every operation of both branches is a range
     * ({@code isTxnReadonly}, etcdserver/v3_server.go @v3.4.23): none of the first read's may hold anything else.
     */
    @Test
    void everyTransactionIsReadOnlyByEtcdsRuleAndOneServesEachCase() {
        List<Op> base = V3FirstRead.with(V3FirstRead.baseReads("node-a", CLAIM_KEYS),
                List.of(Op.get(V3Keys.CLAIMS_COVER, false)));
        byte[] ours = "{\"node\":\"node-a\"}".getBytes(StandardCharsets.UTF_8);
        List<Cmp> ipv4 = List.of(Cmp.value(CLAIM, ours));
        List<Cmp> dualStack = List.of(Cmp.value(CLAIM, ours), Cmp.value(V3Keys.CLAIMS + "ipv6/fd00::11", ours));
        assertShape(V3FirstRead.CoverAware.of(base, ipv4, false), 5, NEWEST_MODE);
        assertShape(V3FirstRead.CoverAware.of(base, ipv4, true), 3, WATCH_MODE);
        assertShape(V3FirstRead.CoverAware.of(base, dualStack, false), 9, null);
        assertShape(V3FirstRead.CoverAware.of(base, dualStack, true), 5, null);
        assertShape(V3FirstRead.CoverAware.of(base, List.of(), false), 1, List.of(Beside.NOTHING));
    }

    private static void assertShape(V3FirstRead.CoverAware read, int transactions, List<Beside> serves) {
        assertEquals(transactions, read.requests().size());
        assertEquals(transactions, read.serves().size());
        if (serves != null) {
            assertEquals(serves, read.serves());
        }
        for (Op.Txn txn : read.requests()) {
            assertTrue(txn.then().stream().allMatch(op -> op instanceof Op.Get)
                    && txn.otherwise().stream().allMatch(op -> op instanceof Op.Get), txn.toString());
        }
    }

    @Test
    void unchangedAddressesAreServedByTheBaseReads() {
        V3Snapshot snapshot = served(NEWEST_MODE, false, answer(10, Beside.NOTHING, true), failed(), failed(),
                failed(), failed()).orElseThrow();
        assertEquals(10, snapshot.revision());
        assertTrue(snapshot.nodes().isEmpty());
        assertTrue(snapshot.cover().newestNodes().isEmpty());
    }

    @Test
    void aChangedAddressBesideACoverIsServedByTheNewestNodes() {
        V3Snapshot snapshot = served(NEWEST_MODE, false, failed(), failed(), failed(),
                answer(11, Beside.NEWEST_NODES, true), failed()).orElseThrow();
        assertEquals(11, snapshot.revision());
        assertEquals(2, snapshot.cover().newestNodes().orElseThrow().size());
        assertTrue(snapshot.cover().key().isPresent());
        assertTrue(snapshot.nodes().isEmpty());
    }

    @Test
    void aChangedAddressWithoutACoverIsServedByEveryNode() {
        V3Snapshot snapshot = served(NEWEST_MODE, false, failed(), failed(), answer(12, Beside.EVERYTHING, false),
                failed(), failed()).orElseThrow();
        assertEquals(12, snapshot.revision());
        assertEquals(2, snapshot.nodes().orElseThrow().size());
        assertEquals(1, snapshot.cover().allClaims().orElseThrow().size());
    }

    @Test
    void whenTheClusterChangedBetweenThemTheFullerAnswerWins() {
        V3Snapshot snapshot = served(NEWEST_MODE, false, answer(10, Beside.NOTHING, false), failed(),
                answer(13, Beside.EVERYTHING, false), failed(), failed()).orElseThrow();
        assertEquals(13, snapshot.revision());
        assertTrue(snapshot.nodes().isPresent());
    }

    @Test
    void noneServesWhenTheClusterChangedBetweenThem() {
        assertFalse(served(NEWEST_MODE, false, failed(), failed(), failed(), failed(), failed()).isPresent());
    }

    @Test
    void inWatchModeTheBaseReadsServeAChangedAddressBesideACover() {
        V3Snapshot snapshot = served(WATCH_MODE, true, answer(14, Beside.NOTHING, true, false), failed(), failed())
                .orElseThrow();
        assertEquals(14, snapshot.revision());
        assertTrue(snapshot.cover().key().isPresent());
        assertTrue(snapshot.cover().newestNodes().isEmpty());
    }

    @Test
    void inWatchModeNoneServesWithoutACoverUnlessATransactionBesideFoundTheNodes() {
        assertFalse(served(WATCH_MODE, true, answer(15, Beside.NOTHING, false, false), failed(), failed())
                .isPresent());
        assertTrue(served(WATCH_MODE, true, answer(15, Beside.NOTHING, false, false), failed(),
                answer(16, Beside.EVERYTHING, false)).orElseThrow().nodes().isPresent());
    }

    private static Optional<V3Snapshot> served(List<Beside> serves, boolean watch, V3Response.Txn... answers) {
        return new V3FirstRead.CoverAware(List.of(), serves, watch).served(List.of(answers), CLAIM_KEYS);
    }

    private static V3Response.Txn failed() {
        return new V3Response.Txn(false, 9, List.of(), List.of());
    }

    private static V3Response.Txn answer(long revision, Beside beside, boolean cover) {
        return answer(revision, beside, cover, true);
    }

    /** The ranges a transaction serving {@code beside} answers: the base reads, the cover, then {@code beside}'s. */
    private static V3Response.Txn answer(long revision, Beside beside, boolean cover, boolean succeeded) {
        List<V3Response.Range> gets = new ArrayList<>();
        gets.add(range(revision, V3Keys.node("node-a")));
        gets.add(range(revision));
        gets.add(range(revision, V3Keys.pool("default-ipv4-ippool")));
        gets.add(range(revision, V3Keys.CLUSTER_INFORMATION));
        gets.add(range(revision, V3Keys.FELIX_DEFAULT));
        gets.add(range(revision));
        gets.add(range(revision, V3Keys.BGP_DEFAULT));
        gets.add(cover ? range(revision, V3Keys.CLAIMS_COVER) : range(revision));
        switch (beside) {
            case NEWEST_NODES -> gets.add(range(revision, V3Keys.node("node-b"), V3Keys.node("node-c")));
            case EVERYTHING -> {
                gets.add(range(revision, V3Keys.node("node-b"), V3Keys.node("node-c")));
                gets.add(range(revision, V3Keys.CLAIMS + "ipv4/10.0.0.12"));
            }
            case NOTHING -> { }
        }
        return new V3Response.Txn(succeeded, revision, gets, List.of());
    }

    private static V3Response.Range range(long revision, String... keys) {
        List<Stored> kvs = new ArrayList<>();
        for (String key : keys) {
            kvs.add(new Stored(key, "{}".getBytes(StandardCharsets.UTF_8), revision - 1));
        }
        return new V3Response.Range(revision, kvs, kvs.size());
    }
}
