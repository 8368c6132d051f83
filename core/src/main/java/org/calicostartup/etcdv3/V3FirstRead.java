package org.calicostartup.etcdv3;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.etcdv3.V3Snapshot.Stored;

/** The first read of the fast v3 startup, as requests and as a snapshot: what it asks, in which order, and back. */
final class V3FirstRead {

    private V3FirstRead() {
    }

    /** A first read without the claims cover: the base reads, then every node when {@code listed}. */
    static V3Snapshot snapshot(V3Response.Txn response, List<String> claimKeys, boolean listed) {
        Iterator<V3Response.Range> gets = response.gets().iterator();
        Base read = base(gets, claimKeys);
        Optional<List<Stored>> nodes = listed ? Optional.of(all(gets.next())) : Optional.empty();
        return read.snapshot(response.revision(), nodes, V3Snapshot.Cover.NOT_READ);
    }

    /** What a first read that knows the claims cover asks for after the base reads and the cover key. */
    enum Beside {
        /** Nothing more (a restart with unchanged addresses; or the cover stands in and a watch finds the rest). */
        NOTHING,
        /** The most recently changed nodes ({@link V3Cover#NEWEST}): the cover stands in for the others. */
        NEWEST_NODES,
        /** Every node and every claim: no cover, or it cannot serve. */
        EVERYTHING;

        List<Op> reads() {
            return switch (this) {
                case NOTHING -> List.of();
                case NEWEST_NODES -> List.of(Op.newest(V3Keys.NODES, V3Cover.NEWEST));
                case EVERYTHING -> List.of(get(V3Keys.NODES, true), get(V3Keys.CLAIMS, true));
            };
        }
    }

    /** A first read that knows the claims cover: the base reads, the cover key, then what {@code beside} says. */
    static V3Snapshot snapshot(V3Response.Txn response, List<String> claimKeys, Beside beside) {
        Iterator<V3Response.Range> gets = response.gets().iterator();
        Base read = base(gets, claimKeys);
        Optional<Stored> cover = single(gets.next());
        Optional<List<Stored>> nodes = Optional.empty();
        Optional<List<Stored>> allClaims = Optional.empty();
        Optional<List<Stored>> newest = Optional.empty();
        if (beside == Beside.EVERYTHING) {
            nodes = Optional.of(all(gets.next()));
            allClaims = Optional.of(all(gets.next()));
        } else if (beside == Beside.NEWEST_NODES) {
            newest = Optional.of(all(gets.next()));
        }
        return read.snapshot(response.revision(), nodes, new V3Snapshot.Cover(true, cover, allClaims, newest, 0));
    }

    /**
     * The snapshot from the answers of a first read made of several transactions ({@code FastV3Startup}), the i-th
     * serving {@code serves[i]} when it succeeded: the first of the others that succeeded (each holds a whole
     * snapshot at its revision; more than one succeeds only when the cluster changed between them, and then any is
     * as good), else the first if it succeeded (the addresses are unchanged) or, in watch mode, if its base reads
     * found a claims cover (all the watch needs). Empty when none serves: the cluster changed between them.
     */
    static Optional<V3Snapshot> served(List<V3Response.Txn> answers, List<Beside> serves, List<String> claimKeys,
            boolean watch) {
        for (int i = 1; i < answers.size(); i++) {
            if (answers.get(i).succeeded()) {
                return Optional.of(snapshot(answers.get(i), claimKeys, serves.get(i)));
            }
        }
        V3Response.Txn first = answers.get(0);
        if (!first.succeeded() && !watch) {
            return Optional.empty();
        }
        V3Snapshot snapshot = snapshot(first, claimKeys, Beside.NOTHING);
        return first.succeeded() || snapshot.cover().key().isPresent() ? Optional.of(snapshot) : Optional.empty();
    }

    /** The reads every first read makes: this node, its candidate claims, pools, cluster information, Felix. */
    static List<Op> baseReads(String name, List<String> claimKeys) {
        List<Op> base = new ArrayList<>();
        base.add(get(V3Keys.node(name), false));
        claimKeys.forEach(key -> base.add(get(key, false)));
        base.add(get(V3Keys.IPPOOLS, true));
        base.add(get(V3Keys.CLUSTER_INFORMATION, false));
        base.add(get(V3Keys.FELIX_DEFAULT, false));
        base.add(get(V3Keys.felixNode(name), false));
        return base;
    }

    /** The answers to {@link #baseReads}, in their order. */
    record Base(Optional<Stored> ownNode, Map<String, Stored> claims, List<Stored> pools,
            Optional<Stored> info, Optional<Stored> felixDefault, Optional<Stored> felixNode) {

        V3Snapshot snapshot(long revision, Optional<List<Stored>> nodes, V3Snapshot.Cover cover) {
            return new V3Snapshot(revision, ownNode, claims, pools, info, felixDefault, felixNode, nodes, cover);
        }
    }

    static Base base(Iterator<V3Response.Range> gets, List<String> claimKeys) {
        Optional<Stored> ownNode = single(gets.next());
        Map<String, Stored> claims = new LinkedHashMap<>();
        for (String key : claimKeys) {
            claims.put(key, single(gets.next()).orElse(Stored.absent(key)));
        }
        return new Base(ownNode, claims, all(gets.next()), single(gets.next()), single(gets.next()),
                single(gets.next()));
    }

    static Optional<Stored> single(V3Response.Range response) {
        return response.kvs().stream().findFirst();
    }

    static List<Stored> all(V3Response.Range response) {
        return response.kvs();
    }

    static Op get(String key, boolean prefix) {
        return Op.get(key, prefix);
    }
}
