package org.calicostartup.etcdv3;

import java.util.List;
import org.calicostartup.etcdv3.V3Snapshot.Stored;

/** etcd v3 answers, as far as calico-startup reads them; nothing of gRPC or protobuf leaks past the connection. */
final class V3Response {

    private V3Response() {
    }

    /**
     * The answer to a range read.
     *
     * @param count how many keys the range holds (all of them, also for a count-only read)
     */
    record Range(long revision, List<Stored> kvs, long count) {
    }

    /**
     * The answer to a transaction.
     *
     * @param gets the answers to its range reads, in request order, of the branch that ran
     * @param txns the answers to its nested transactions, in request order
     */
    record Txn(boolean succeeded, long revision, List<Range> gets, List<Txn> txns) {
    }
}
