package org.calicostartup.etcdv3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happened to node addresses during a randomized run, and the two properties the conflict check must keep
 * (issue 15): no two nodes registered by calico-startup hold one address at the same revision, and no calico-startup
 * node registers a new address that a claim-less node (written straight to etcd, as calico-node or calicoctl would)
 * held before its read and still held when it wrote. Events are recorded with etcd revisions, so the check does not depend
 * on wall-clock order.
 */
final class ConflictHistory {

    /**
     * A successful calico-startup registration: read no earlier than {@code started}, written at {@code written}.
     * {@code addressChanged}: a first registration or a new address — when Calico's conflict check runs (a restart
     * with the address it already has is not checked, by calico-node either).
     */
    record Registered(String node, String address, long started, long written, boolean addressChanged) {
    }

    /** A claim-less write of a node (address {@code null}: deleted) at {@code revision}. */
    record ClaimLess(String node, String address, long revision) {
    }

    private final List<Registered> registered = new CopyOnWriteArrayList<>();
    private final List<ClaimLess> claimLess = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> agents = new ConcurrentHashMap<>();

    void registered(String node, String address, long started, long written) {
        agents.put(node, true);
        Optional<String> before = registered.stream().filter(r -> r.node().equals(node))
                .max(Comparator.comparingLong(Registered::written)).map(Registered::address);
        registered.add(new Registered(node, address, started, written, !before.equals(Optional.of(address))));
    }

    void claimLess(String node, String address, long revision) {
        claimLess.add(new ClaimLess(node, address, revision));
    }

    int registrations() {
        return registered.size();
    }

    int claimLessWrites() {
        return claimLess.size();
    }

    /** Every violation of the two properties, described; empty when the history is sound. */
    List<String> violations() {
        Map<String, TreeMap<Long, Optional<String>>> timelines = new TreeMap<>();
        for (Registered r : registered) {
            timelines.computeIfAbsent(r.node(), n -> new TreeMap<>()).put(r.written(), Optional.of(r.address()));
        }
        for (ClaimLess c : claimLess) {
            timelines.computeIfAbsent(c.node(), n -> new TreeMap<>()).put(c.revision(),
                    Optional.ofNullable(c.address()));
        }
        List<String> violations = new ArrayList<>();
        List<Registered> ordered = new ArrayList<>(registered);
        ordered.sort(Comparator.comparingLong(Registered::written));
        for (Registered r : ordered) {
            for (Map.Entry<String, TreeMap<Long, Optional<String>>> other : timelines.entrySet()) {
                String node = other.getKey();
                if (node.equals(r.node())) {
                    continue;
                }
                TreeMap<Long, Optional<String>> timeline = other.getValue();
                Optional<String> atWrite = holding(timeline, r.written());
                if (!atWrite.equals(Optional.of(r.address()))) {
                    continue;
                }
                if (agents.containsKey(node)) {
                    violations.add("calico-startup nodes " + node + " and " + r.node() + " both hold " + r.address()
                            + " at revision " + r.written());
                } else if (r.addressChanged() && holding(timeline, r.started()).equals(atWrite)
                        && timeline.subMap(r.started(), false, r.written(), true).isEmpty()) {
                    violations.add("calico-startup node " + r.node() + " registered " + r.address() + " at revision "
                            + r.written() + " although " + node + " (written without claims) held it since revision "
                            + timeline.floorKey(r.started()) + ", before its read (no earlier than revision "
                            + r.started() + ")");
                }
            }
        }
        return violations;
    }

    private static Optional<String> holding(TreeMap<Long, Optional<String>> timeline, long revision) {
        Map.Entry<Long, Optional<String>> last = timeline.floorEntry(revision);
        return last == null ? Optional.empty() : last.getValue();
    }
}
