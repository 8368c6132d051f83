package org.calicostartup.etcdv3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One condition of an etcd v3 transaction: the key's version, modification revision or value compared with a
 * number or bytes. Built by the planners, turned into etcd's {@code Compare} by {@link EtcdV3Connection}.
 */
record Cmp(String key, Target target, Relation relation, long number, byte[] bytes) {

    enum Target { VERSION, MOD_REVISION, VALUE }

    enum Relation { EQUAL, GREATER, NOT_EQUAL }

    /** The key's version equals {@code version}; 0 means the key does not exist. */
    static Cmp version(String key, long version) {
        return new Cmp(key, Target.VERSION, Relation.EQUAL, version, null);
    }

    /** The key exists. */
    static Cmp exists(String key) {
        return new Cmp(key, Target.VERSION, Relation.GREATER, 0, null);
    }

    /** The key was last modified at {@code revision}. */
    static Cmp modRevision(String key, long revision) {
        return new Cmp(key, Target.MOD_REVISION, Relation.EQUAL, revision, null);
    }

    /** The key holds exactly {@code value}. */
    static Cmp value(String key, byte[] value) {
        return new Cmp(key, Target.VALUE, Relation.EQUAL, 0, value.clone());
    }

    /**
     * Condition lists of which exactly one holds when not all of {@code conditions} hold, and none when they all do
     * (etcd ANDs a transaction's conditions and has no OR): the i-th group keeps the conditions before the i-th and
     * negates the i-th. A value condition is negated in two ways, the key missing or holding another value (etcd
     * fails a value comparison on a missing key); "exists" by the key missing. Empty for no conditions.
     */
    static List<List<Cmp>> otherwise(List<Cmp> conditions) {
        List<List<Cmp>> groups = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            for (Cmp negated : conditions.get(i).negations()) {
                List<Cmp> group = new ArrayList<>(conditions.subList(0, i));
                group.add(negated);
                groups.add(List.copyOf(group));
            }
        }
        return List.copyOf(groups);
    }

    /** Disjoint conditions, one of which holds exactly when this one does not. */
    private List<Cmp> negations() {
        if (target == Target.VALUE && relation == Relation.EQUAL) {
            return List.of(version(key, 0), new Cmp(key, Target.VALUE, Relation.NOT_EQUAL, 0, bytes));
        }
        if (target == Target.VERSION && relation == Relation.GREATER && number == 0) {
            return List.of(version(key, 0));
        }
        throw new IllegalArgumentException("no negation for " + target + " " + relation + " on " + key);
    }

    byte[] keyBytes() {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
