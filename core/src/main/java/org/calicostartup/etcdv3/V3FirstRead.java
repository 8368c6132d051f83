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
     * The first read where the claims cover may stand in for the node list. Three cases: the addresses are unchanged
     * (the base reads suffice), else a cover is there (the most recently changed nodes beside it, or none in watch
     * mode), else every node and every claim. A nested transaction would say that in one request, but etcd takes a
     * transaction holding anything but ranges for a write ({@code isTxnReadonly},
     * {@code etcdserver/v3_server.go} @v3.4.23): a raft proposal that every member applies in turn, the node list
     * included. So the read is several read-only transactions sent together, one round trip, each doing exactly one
     * case's work when its conditions hold: the base reads if "unchanged" (in watch mode either way: they read the
     * cover, all the watch needs); then, for each way the addresses may have changed ({@link Cmp#otherwise}, at most
     * one holds), the newest nodes if a cover is there (not in watch mode) and everything if not. They are evaluated
     * one after the other, so the cluster may change between them: see {@link #served}.
     *
     * @param requests the transactions, "unchanged" first
     * @param serves what the i-th request's answer holds beside the base reads and the cover when it succeeded
     */
    record CoverAware(List<Op.Txn> requests, List<Beside> serves, boolean watch) {

        /** The transactions for {@code base} (which reads the cover) and the conditions of "unchanged". */
        static CoverAware of(List<Op> base, List<Cmp> unchanged, boolean watch) {
            List<Op.Txn> requests = new ArrayList<>();
            List<Beside> serves = new ArrayList<>();
            requests.add(new Op.Txn(unchanged, base, watch ? base : List.of()));
            serves.add(Beside.NOTHING);
            for (List<Cmp> changed : Cmp.otherwise(unchanged)) {
                if (!watch) {
                    requests.add(new Op.Txn(with(changed, Cmp.exists(V3Keys.CLAIMS_COVER)),
                            with(base, Beside.NEWEST_NODES.reads()), List.of()));
                    serves.add(Beside.NEWEST_NODES);
                }
                requests.add(new Op.Txn(with(changed, Cmp.version(V3Keys.CLAIMS_COVER, 0)),
                        with(base, Beside.EVERYTHING.reads()), List.of()));
                serves.add(Beside.EVERYTHING);
            }
            return new CoverAware(List.copyOf(requests), List.copyOf(serves), watch);
        }

        /**
         * The snapshot from the answers: the first of the others that succeeded (each holds a whole snapshot at its
         * revision; more than one succeeds only when the cluster changed between them, and then any is as good), else
         * "unchanged" if it succeeded or, in watch mode, if its base reads found a claims cover (all the watch
         * needs). Empty when none serves: the cluster changed between them.
         */
        Optional<V3Snapshot> served(List<V3Response.Txn> answers, List<String> claimKeys) {
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
    }

    /** {@code first} followed by {@code more}, a new list. */
    static <T> List<T> with(List<T> first, List<T> more) {
        List<T> all = new ArrayList<>(first);
        all.addAll(more);
        return all;
    }

    private static <T> List<T> with(List<T> first, T more) {
        return with(first, List.of(more));
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
        base.add(get(V3Keys.BGP_DEFAULT, false));
        return base;
    }

    /** The answers to {@link #baseReads}, in their order. */
    record Base(Optional<Stored> ownNode, Map<String, Stored> claims, List<Stored> pools,
            Optional<Stored> info, Optional<Stored> felixDefault, Optional<Stored> felixNode,
            Optional<Stored> bgpDefault) {

        V3Snapshot snapshot(long revision, Optional<List<Stored>> nodes, V3Snapshot.Cover cover) {
            return new V3Snapshot(revision, ownNode, claims, pools, info, felixDefault, felixNode, bgpDefault, nodes,
                    cover);
        }
    }

    static Base base(Iterator<V3Response.Range> gets, List<String> claimKeys) {
        Optional<Stored> ownNode = single(gets.next());
        Map<String, Stored> claims = new LinkedHashMap<>();
        for (String key : claimKeys) {
            claims.put(key, single(gets.next()).orElse(Stored.absent(key)));
        }
        return new Base(ownNode, claims, all(gets.next()), single(gets.next()), single(gets.next()),
                single(gets.next()), single(gets.next()));
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
