package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.etcdv3.V3Resources.MalformedException;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.node.AddressResolution;
import org.calicostartup.node.Candidates;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.node.ConflictCheck.Conflict;
import org.calicostartup.node.ConflictCheck.ListedNode;
import org.calicostartup.node.StoredAddresses;
import org.calicostartup.profile.ReleaseProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node v3's decision about this node, shared by the fast and the reference mode: read the stored node, resolve
 * its addresses, whether the conflict check runs, and what a conflict does (fail, or clear an out-of-date autodetected
 * address and fail after writing).
 */
final class V3NodeDecision {

    private static final Logger LOG = LoggerFactory.getLogger(V3NodeDecision.class);

    /** The stored node as read: its JSON (kept whole for the update) and its addresses. */
    record Own(Optional<ObjectNode> stored, StoredAddresses before) {
    }

    /** The addresses to write and the failure to report after writing them, if any. */
    record Outcome(StoredAddresses after, List<Conflict> conflicts, Optional<StartupException> failAfter) {
    }

    private V3NodeDecision() {
    }

    /** This node as stored; unreadable, it is an error and left untouched. */
    static Own own(Optional<Stored> node, String name) {
        String key = V3Keys.node(name);
        try {
            Optional<ObjectNode> stored = node.isPresent() ? Optional.of(V3Resources.parse(node.get().value(), "Node"))
                    : Optional.empty();
            if (stored.isEmpty()) {
                LOG.info("Building new node resource Name={}", name);
            }
            return new Own(stored, stored.isPresent() ? V3Resources.addresses(stored.get()) : StoredAddresses.NONE);
        } catch (MalformedException e) {
            throw new StartupException(Reason.INVALID_STORED_DATA, "The stored node " + key + " cannot be read: "
                    + e.getMessage() + ". It was left untouched; fix or delete it.");
        }
    }

    /** The addresses calico-node v3 would give the node; a failure (nothing is written) is thrown. */
    static AddressResolution resolve(NodeSettings settings, ReleaseProfile profile, Own own, Candidates candidates) {
        AddressResolution resolution = AddressResolution.resolve(settings, own.before(), candidates,
                AddressResolution.Rules.CALICO_3, profile.policyOnly());
        if (resolution.failure().isPresent()) {
            throw resolution.failure().get();
        }
        return resolution;
    }

    /**
     * Whether the conflict check runs: the addresses changed, it is not disabled, and the release configures
     * addresses with this backend ({@link ReleaseProfile#configuresAddresses}).
     */
    static boolean checkRuns(NodeSettings settings, ReleaseProfile profile, AddressResolution resolution) {
        return resolution.changed() && !settings.disableNodeIpCheck() && profile.configuresAddresses(settings);
    }

    /**
     * The conflicts with {@code listed} and what they do: none, the resolved addresses; with one, calico-node fails
     * (thrown) — unless an existing node with IP=autodetect gets the address cleared first, then fails after writing.
     */
    static Outcome conflicts(NodeSettings settings, String name, Own own, StoredAddresses after,
            Collection<ListedNode> listed) {
        List<Conflict> conflicts = ConflictCheck.find(name, after, listed);
        if (conflicts.isEmpty()) {
            return new Outcome(after, conflicts, Optional.empty());
        }
        StartupException conflict = V3Planner.conflictFailure(conflicts);
        StoredAddresses cleared = ConflictCheck.clearConflicting(settings, own.stored().isPresent(), after, conflicts);
        if (cleared.equals(after)) {
            throw conflict;
        }
        return new Outcome(cleared, conflicts, Optional.of(conflict));
    }
}
