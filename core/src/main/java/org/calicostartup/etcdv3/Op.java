package org.calicostartup.etcdv3;

import java.util.List;

/** One operation of an etcd v3 transaction, turned into etcd's {@code RequestOp} by {@link EtcdV3Connection}. */
sealed interface Op {

    /**
     * A range read of one key, or of every key under a prefix; with {@code newest} &gt; 0, only that many keys, the
     * most recently modified first.
     */
    record Get(String key, boolean prefix, int newest, long minModRevision, int limit) implements Op {
    }

    /** Stores {@code value} under {@code key}. */
    record Put(String key, byte[] value) implements Op {
    }

    /** Deletes one key. */
    record Delete(String key) implements Op {
    }

    /**
     * A transaction: nested in another (it never fails the outer one, its outcome is reported on its own; etcd takes
     * the outer one for a write), or one of several sent together ({@code EtcdV3Connection.Session#txns}).
     */
    record Txn(List<Cmp> conditions, List<Op> then, List<Op> otherwise) implements Op {
    }

    static Op get(String key, boolean prefix) {
        return new Get(key, prefix, 0, 0, 0);
    }

    /** The {@code count} most recently modified keys under {@code prefix}, newest first. */
    static Op newest(String prefix, int count) {
        return new Get(prefix, true, count, 0, 0);
    }

    /** The keys under {@code prefix} modified after {@code revision}, at most {@code limit}. */
    static Op changedSince(String prefix, long revision, int limit) {
        return new Get(prefix, true, 0, revision + 1, limit);
    }

    static Op put(String key, byte[] value) {
        return new Put(key, value);
    }

    static Op delete(String key) {
        return new Delete(key);
    }

    /** A nested transaction with no Else branch. */
    static Op txn(List<Cmp> conditions, List<Op> then) {
        return new Txn(List.copyOf(conditions), List.copyOf(then), List.of());
    }
}
