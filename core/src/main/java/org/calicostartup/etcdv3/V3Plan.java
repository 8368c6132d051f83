package org.calicostartup.etcdv3;

import java.util.List;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.node.StoredAddresses;

/** What the planner decided from one snapshot. */
sealed interface V3Plan {

    /** The decision needs every node (an address changed, or a claim's holder must be looked at): read again. */
    record NeedNodeList(String why) implements V3Plan {
    }

    /** Fail without writing anything. */
    record Fail(StartupException failure) implements V3Plan {
    }

    /**
     * One transaction: if all {@code conditions} still hold, do {@code operations} — none at all when nothing is to
     * be written (then no transaction is sent). {@code nodeWritten}: whether they write the node
     * ({@link org.calicostartup.profile.ReleaseProfile#writesNodeOnlyWhenChanged}). {@code shared} describes the
     * nested conditional transactions among the operations, in order, for the report. After a successful write,
     * {@code failAfter} (a conflict or autodetection failure that calico-node also reports after clearing an
     * out-of-date address) is thrown.
     */
    record Write(List<Cmp> conditions, List<Op> operations, List<SharedWrite> shared, String nodeKey,
            boolean nodeWritten, boolean nodeCreated, StoredAddresses before, StoredAddresses after,
            boolean conflictCheckRan, List<String> conflicts, Optional<StartupException> failAfter) implements V3Plan {
    }

    /** A conditional create or update nested in the write; {@code create} distinguishes the two in the report. */
    record SharedWrite(String key, boolean create, String description) {
    }
}
