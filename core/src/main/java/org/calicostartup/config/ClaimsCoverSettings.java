package org.calicostartup.config;

import java.util.Objects;

/**
 * How an etcd v3 startup keeps and uses the claims cover, the record that lets a conflict check read only the nodes
 * changed since it instead of every node (see the README, "The claims cover"). Ignored on etcd v2.
 *
 * @param minNodes     {@code CALICO_STARTUP_CLAIMS_COVER_MIN_NODES}: a cover is created only on a cluster of at least
 *                     this many nodes (below it reading every node is cheap); {@code Integer.MAX_VALUE} never creates
 *                     one (a cover already stored is still used and kept up)
 * @param changedNodes {@code CALICO_STARTUP_CHANGED_NODES}: how the nodes changed since the cover are found
 */
public record ClaimsCoverSettings(int minNodes, ChangedNodes changedNodes) {

    /** calico-startup's default: a cover from 1,000 nodes, the changed nodes read beside the first read. */
    public static final ClaimsCoverSettings DEFAULT = new ClaimsCoverSettings(1000, ChangedNodes.NEWEST);

    public ClaimsCoverSettings {
        Objects.requireNonNull(changedNodes, "changedNodes");
        if (minNodes < 0) {
            throw new IllegalArgumentException("minNodes must not be negative: " + minNodes);
        }
    }

    /** How a first registration or an address change finds the nodes changed since the claims cover. */
    public enum ChangedNodes {
        /**
         * The most recently changed nodes are read in the first read itself: two round trips; etcd 3.4 reads every
         * node internally to sort them, so its work still grows with the cluster (far less than a full read).
         */
        NEWEST("newest"),
        /**
         * A watch from the cover's revision, beside a small fence write: three round trips for a first registration
         * or an address change, and etcd's work follows the changes since the cover, not the cluster's size.
         */
        WATCH("watch");

        private final String envValue;

        ChangedNodes(String envValue) {
            this.envValue = envValue;
        }

        /** The value of {@code CALICO_STARTUP_CHANGED_NODES} that selects it. */
        public String envValue() {
            return envValue;
        }
    }
}
