package org.calicostartup.etcdv3;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.calicostartup.etcdv3.V3Snapshot.Stored;

/** etcd's protobuf messages to and from calico-startup's requests and answers. */
final class V3Wire {

    private V3Wire() {
    }

    static TxnRequest txn(List<Cmp> conditions, List<Op> then, List<Op> otherwise) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        conditions.forEach(c -> txn.addCompare(compare(c)));
        then.forEach(op -> txn.addSuccess(request(op)));
        otherwise.forEach(op -> txn.addFailure(request(op)));
        return txn.build();
    }

    static RangeRequest range(String key, boolean prefix, boolean countOnly) {
        RangeRequest.Builder range = RangeRequest.newBuilder().setKey(bytes(key)).setCountOnly(countOnly);
        if (prefix) {
            range.setRangeEnd(prefixEnd(key));
        }
        return range.build();
    }

    private static Compare compare(Cmp cmp) {
        Compare.Builder compare = Compare.newBuilder().setKey(ByteString.copyFrom(cmp.keyBytes()))
                .setResult(switch (cmp.relation()) {
                    case EQUAL -> Compare.CompareResult.EQUAL;
                    case GREATER -> Compare.CompareResult.GREATER;
                    case NOT_EQUAL -> Compare.CompareResult.NOT_EQUAL;
                });
        switch (cmp.target()) {
            case VERSION -> compare.setTarget(Compare.CompareTarget.VERSION).setVersion(cmp.number());
            case MOD_REVISION -> compare.setTarget(Compare.CompareTarget.MOD).setModRevision(cmp.number());
            case VALUE -> compare.setTarget(Compare.CompareTarget.VALUE).setValue(ByteString.copyFrom(
                    cmp.bytes()));
            default -> throw new IllegalStateException("unknown target " + cmp.target());
        }
        return compare.build();
    }

    private static RequestOp request(Op op) {
        RequestOp.Builder request = RequestOp.newBuilder();
        if (op instanceof Op.Get get) {
            RangeRequest.Builder range = range(get.key(), get.prefix(), false).toBuilder();
            if (get.newest() > 0) {
                range.setSortTarget(RangeRequest.SortTarget.MOD).setSortOrder(RangeRequest.SortOrder.DESCEND)
                        .setLimit(get.newest());
            }
            if (get.minModRevision() > 0) {
                range.setMinModRevision(get.minModRevision()).setLimit(get.limit());
            }
            request.setRequestRange(range);
        } else if (op instanceof Op.Put put) {
            request.setRequestPut(PutRequest.newBuilder().setKey(bytes(put.key()))
                    .setValue(ByteString.copyFrom(put.value())));
        } else if (op instanceof Op.Delete delete) {
            request.setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(delete.key())));
        } else if (op instanceof Op.Txn txn) {
            request.setRequestTxn(txn(txn.conditions(), txn.then(), txn.otherwise()));
        }
        return request.build();
    }

    static V3Response.Txn txn(TxnResponse response) {
        List<V3Response.Range> gets = new ArrayList<>();
        List<V3Response.Txn> txns = new ArrayList<>();
        for (ResponseOp op : response.getResponsesList()) {
            if (op.hasResponseRange()) {
                gets.add(range(op.getResponseRange()));
            } else if (op.hasResponseTxn()) {
                txns.add(txn(op.getResponseTxn()));
            }
        }
        return new V3Response.Txn(response.getSucceeded(), response.getHeader().getRevision(), gets, txns);
    }

    static V3Response.Range range(RangeResponse response) {
        List<Stored> kvs = new ArrayList<>(response.getKvsCount());
        for (KeyValue kv : response.getKvsList()) {
            kvs.add(new Stored(kv.getKey().toStringUtf8(), kv.getValue().toByteArray(), kv.getModRevision()));
        }
        return new V3Response.Range(response.getHeader().getRevision(), kvs, response.getCount());
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** The end of the range of every key starting with {@code prefix}, as etcd's clients compute it. */
    private static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }
}
