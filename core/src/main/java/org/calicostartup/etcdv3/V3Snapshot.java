package org.calicostartup.etcdv3;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one startup read, at one etcd revision.
 *
 * @param claims the IP claim keys that were read, present or not
 * @param bgpDefault the default BGPConfiguration (read for calico-node v3.32+, which creates it when missing)
 * @param nodes  all nodes, when the read included them (first registration or an address change)
 */
record V3Snapshot(long revision, Optional<Stored> ownNode, Map<String, Stored> claims, List<Stored> pools,
        Optional<Stored> clusterInformation, Optional<Stored> felixDefault, Optional<Stored> felixNode,
        Optional<Stored> bgpDefault, Optional<List<Stored>> nodes, Cover cover) {

    /** Without a default BGPConfiguration and the cover not read. */
    V3Snapshot(long revision, Optional<Stored> ownNode, Map<String, Stored> claims, List<Stored> pools,
            Optional<Stored> clusterInformation, Optional<Stored> felixDefault, Optional<Stored> felixNode,
            Optional<List<Stored>> nodes) {
        this(revision, ownNode, claims, pools, clusterInformation, felixDefault, felixNode, Optional.empty(), nodes,
                Cover.NOT_READ);
    }

    /**
     * What the read saw of the claims cover: whether it read the key, the key as stored, every claim (read beside
     * the full node list when there was no cover), and the most recently changed nodes (read instead of the list
     * when there was one) — or, with {@code changedSince} &gt; 0, every node modified after that revision.
     */
    record Cover(boolean read, Optional<Stored> key, Optional<List<Stored>> allClaims,
            Optional<List<Stored>> newestNodes, long changedSince) {
        static final Cover NOT_READ = new Cover(false, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    /** A key as read. {@code modRevision} 0 with an empty value means the key did not exist. */
    record Stored(String key, byte[] value, long modRevision) {
        static Stored absent(String key) {
            return new Stored(key, new byte[0], 0);
        }

        boolean present() {
            return modRevision != 0;
        }
    }
}
