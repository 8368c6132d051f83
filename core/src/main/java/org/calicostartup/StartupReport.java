package org.calicostartup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.spi.IoStats;

/**
 * What one startup did and what it cost.
 *
 * @param before            the node's addresses as stored before the startup (none for a new node)
 * @param after             the addresses it has now
 * @param nodeCreated       true when this startup created the node; false when it updated it, or (calico-node
 *                          v3.26.2+) left it as it was — or, policy only without an orchestrator ref, did not create it
 * @param created           keys of resources created (node, pools, cluster information, Felix configuration, claims)
 * @param updated           keys of existing resources updated
 * @param conflictCheckRan  whether the addresses changed and the other nodes were checked for the same IPs
 * @param conflicts         calico-node's conflict messages (empty on success)
 * @param phases            time spent per phase, in order
 * @param io                round trips, requests, bytes and keys read on the datastore
 * @param retries           how often the conditional write lost a race and was redone from a fresh read
 * @param calicoRelease     the calico-node release whose behaviour was reproduced ({@code v3.22.1})
 */
public record StartupReport(String nodeName, DatastoreType datastore, StartupMode mode, NodeAddresses before,
        NodeAddresses after, boolean nodeCreated, List<String> created, List<String> updated,
        boolean conflictCheckRan, List<String> conflicts, Map<String, Duration> phases, IoStats.Counts io,
        int retries, Duration elapsed, String calicoRelease) {

    public StartupReport {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(calicoRelease, "calicoRelease");
        created = List.copyOf(created);
        updated = List.copyOf(updated);
        conflicts = List.copyOf(conflicts);
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /** A one-line summary for logs. */
    public String summary() {
        StringBuilder times = new StringBuilder();
        phases.forEach((phase, time) -> times.append(times.length() == 0 ? "" : ", ").append(phase).append(' ')
                .append(time.toMillis()).append(" ms"));
        // Appended rather than String.format: the first %d of a JVM loads the locale's number formats (~4 ms of a
        // cold start, at its very end); a log line's digits are ASCII whatever the locale.
        return new StringBuilder("node ").append(nodeName).append(' ').append(nodeCreated ? "created"
                        : created.isEmpty() && updated.isEmpty() ? "unchanged (nothing written)" : "updated")
                .append(" (").append(after).append(") in ").append(elapsed.toMillis()).append(" ms (").append(times)
                .append("): ").append(io.roundTrips()).append(" round trips, ").append(io.requests())
                .append(" requests, ").append(io.keysRead()).append(" keys / ").append(io.bytesRead())
                .append(" bytes read, ").append(retries).append(" retries, as calico-node ").append(calicoRelease)
                .toString();
    }
}
