package org.calicostartup.spi;

import java.util.List;
import java.util.Objects;
import org.calicostartup.node.StoredAddresses;

/**
 * What a datastore's startup did, in terms every datastore shares; the facade turns it into the public
 * {@link org.calicostartup.StartupReport}, adding the name, datastore, mode, phase times, I/O and elapsed time once.
 *
 * @param nodeCreated      true when this startup created the node (false: updated, left as it was, or not created)
 * @param created          keys of resources created (node, pools, cluster information, Felix configuration, claims)
 * @param updated          keys of existing resources updated
 * @param conflictCheckRan whether the addresses changed and the other nodes were checked for the same IPs
 * @param conflicts        calico-node's conflict messages (empty on success)
 * @param retries          how often the conditional write lost a race and was redone from a fresh read
 * @param calicoRelease    the calico-node release whose behaviour was reproduced (the profile may have been settled
 *                         from what the datastore records, so the datastore says which)
 * @param nodeName         the name the node was registered under (that release's, see {@link StartupContext})
 */
public record StartupOutcome(StoredAddresses before, StoredAddresses after, boolean nodeCreated,
        List<String> created, List<String> updated, boolean conflictCheckRan, List<String> conflicts, int retries,
        String calicoRelease, String nodeName) {

    public StartupOutcome {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(calicoRelease, "calicoRelease");
        Objects.requireNonNull(nodeName, "nodeName");
        created = List.copyOf(created);
        updated = List.copyOf(updated);
        conflicts = List.copyOf(conflicts);
    }

    /** This outcome after {@code count} lost races. */
    public StartupOutcome withRetries(int count) {
        return new StartupOutcome(before, after, nodeCreated, created, updated, conflictCheckRan, conflicts, count,
                calicoRelease, nodeName);
    }
}
