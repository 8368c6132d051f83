package org.calicostartup.etcdv3;

import java.nio.charset.StandardCharsets;

/**
 * One condition of an etcd v3 transaction: the key's version, modification revision or value compared with a
 * number or bytes. Built by the planners, turned into etcd's {@code Compare} by {@link EtcdV3Connection}.
 */
record Cmp(String key, Target target, Relation relation, long number, byte[] bytes) {

    enum Target { VERSION, MOD_REVISION, VALUE }

    enum Relation { EQUAL, GREATER }

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

    byte[] keyBytes() {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
