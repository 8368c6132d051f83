package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.etcdv3.V3Resources.MalformedException;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.AddressResolution;
import org.calicostartup.node.Candidates;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.node.ConflictCheck.Conflict;
import org.calicostartup.node.ConflictCheck.ListedNode;
import org.calicostartup.node.NodeInterfaces;
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

    /**
     * The node's addresses as calico-node v3 resolves them, the interfaces it records (v3.31+), and whether the
     * conflict check runs.
     *
     * @param addresses         the addresses to write
     * @param interfaces        the interfaces to write ({@link NodeInterfaces#NOT_RECORDED}: the stored ones kept)
     * @param changed           whether the addresses (v3.31+: or the interfaces) changed — calico-node's
     *                          {@code checkConflicts}, whether or not the check then runs
     * @param checkRuns         whether the other nodes are checked for these addresses
     * @param failAfter         when present, the node (with {@code addresses}: calico-node's {@code clearNodeIPs})
     *                          is written and then startup fails with this
     */
    record Resolved(StoredAddresses addresses, NodeInterfaces interfaces, boolean changed, boolean checkRuns,
            Optional<StartupException> failAfter) {
    }

    /**
     * Resolves the addresses; a failure where nothing is written is thrown. When configuring them fails on an
     * existing node and the release clears autodetected addresses then (v3.1+), the families set to
     * {@code autodetect} are cleared, and that is written before the failure is reported ({@code clearNodeIPs}).
     */
    static Resolved resolve(NodeSettings settings, ReleaseProfile profile, Own own, Candidates candidates) {
        AddressResolution resolution = AddressResolution.resolve(settings, own.before(), candidates,
                AddressResolution.Rules.CALICO_3, profile.policyOnly(), profile.noAddress());
        NodeInterfaces interfaces = candidates.interfaces();
        Optional<StartupException> failure = resolution.failure()
                .or(() -> interfaces.failure().map(e -> new StartupException(Reason.AUTODETECTION,
                        "failed to configure IP addresses and subnets: " + e.getMessage(), e)));
        if (failure.isPresent()) {
            boolean configuring = resolution.failedFamily().isPresent() || resolution.failure().isEmpty();
            if (!configuring || own.stored().isEmpty() || !profile.clearsAutodetectedAddressesOnFailure()
                    || !autodetects(settings)) {
                throw failure.get();
            }
            StoredAddresses atFailure = resolution.failedFamily().isPresent()
                    ? resolution.whenFailed(own.before()) : resolution.addresses();
            return new Resolved(clearAutodetected(settings, atFailure), NodeInterfaces.NOT_RECORDED, true, false,
                    failure);
        }
        boolean interfacesChanged = interfaces.changes(own.stored().map(V3Resources::interfaces)
                .orElse(Optional.of(List.of())).orElse(null));
        if (interfacesChanged && !resolution.changed()) {
            LOG.info("Node interfaces changed");
        }
        boolean changed = resolution.changed() || interfacesChanged;
        boolean checkRuns = changed && !settings.disableNodeIpCheck() && profile.configuresAddresses(settings);
        return new Resolved(resolution.addresses(), interfaces, changed, checkRuns, Optional.empty());
    }

    /** Whether {@code IP} or {@code IP6} is {@code autodetect}: what {@code clearNodeIPs} may clear. */
    private static boolean autodetects(NodeSettings settings) {
        return settings.ipv4().mode() == AddressSetting.Mode.AUTODETECT
                || settings.ipv6().mode() == AddressSetting.Mode.AUTODETECT;
    }

    /** {@code clearNodeIPs}: the addresses of the families set to {@code autodetect} removed. */
    private static StoredAddresses clearAutodetected(NodeSettings settings, StoredAddresses addresses) {
        StoredAddresses result = addresses;
        for (IpFamily family : IpFamily.values()) {
            AddressSetting setting = family == IpFamily.V4 ? settings.ipv4() : settings.ipv6();
            if (setting.mode() == AddressSetting.Mode.AUTODETECT) {
                LOG.info("Clearing out-of-date {} address from this node: {}", family,
                        result.of(family).map(Object::toString).orElse(""));
                result = result.with(family, Optional.empty());
            }
        }
        return result;
    }

    /**
     * The node to write: {@code after} and {@code interfaces}, the AS number and orchestrator ref this release sets —
     * except for a clearing write ({@code clearing}, calico-node's {@code clearNodeIPs}), which calico-node makes as
     * {@code configureIPsAndSubnets} left the node, before it configures those two.
     */
    static ObjectNode node(NodeSettings settings, ReleaseProfile profile, String name, Own own, StoredAddresses after,
            NodeInterfaces interfaces, boolean clearing, Clock clock) {
        return V3Resources.node(own.stored(), name, profile.configuresAddresses(settings), after, interfaces,
                clearing ? OptionalLong.empty() : settings.asNumberToSet(),
                clearing ? Optional.empty() : profile.k8sNodeRef(settings), clock);
    }

    /**
     * Whether calico-node writes the node: always before v3.26.2; from then only when its addresses or interfaces
     * changed, {@code AS} is set (with a networking backend) or {@code CALICO_K8S_NODE_REF} is — so a policy-only
     * node without a ref is never created ({@code needsNodeUpdate}, node/pkg/lifecycle/startup/startup.go@v3.26.2
     * and v3.32.1). A clearing write ({@code failAfter}) always writes.
     */
    static boolean writesNode(NodeSettings settings, ReleaseProfile profile, Resolved resolved) {
        return !profile.writesNodeOnlyWhenChanged() || resolved.failAfter().isPresent() || resolved.changed()
                || settings.asNumberToSet().isPresent() || profile.k8sNodeRef(settings).isPresent();
    }

    /**
     * The conflicts with {@code listed} and what they do: none, the resolved addresses; with one, calico-node fails
     * (thrown) — unless, from v3.1, an existing node with IP=autodetect gets the address cleared first, then fails
     * after writing.
     */
    static Outcome conflicts(NodeSettings settings, ReleaseProfile profile, String name, Own own,
            StoredAddresses after, Collection<ListedNode> listed) {
        List<Conflict> conflicts = ConflictCheck.find(name, after, listed);
        if (conflicts.isEmpty()) {
            return new Outcome(after, conflicts, Optional.empty());
        }
        StartupException conflict = V3Planner.conflictFailure(conflicts);
        if (!profile.clearsAutodetectedAddressesOnFailure()) {
            throw conflict;
        }
        StoredAddresses cleared = ConflictCheck.clearConflicting(settings, own.stored().isPresent(), after, conflicts);
        if (cleared.equals(after)) {
            throw conflict;
        }
        return new Outcome(cleared, conflicts, Optional.of(conflict));
    }
}
