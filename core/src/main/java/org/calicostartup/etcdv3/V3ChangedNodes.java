package org.calicostartup.etcdv3;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast v3 startup's second read when the claims cover could not say from the first one which nodes changed
 * since it (V3Cover): the first read's keys again, with the nodes changed since the cover — ranged with
 * {@code min_mod_revision}, or found by a watch beside a fence write (watch mode). One round trip either way.
 */
final class V3ChangedNodes {

    private static final Logger LOG = LoggerFactory.getLogger(V3ChangedNodes.class);

    private final EtcdV3Connection.Session session;
    private final StartupContext context;
    private final String name;
    private final List<String> claimKeys;

    V3ChangedNodes(EtcdV3Connection.Session session, StartupContext context, List<String> claimKeys) {
        this.session = session;
        this.context = context;
        this.name = context.nodeName();
        this.claimKeys = claimKeys;
    }

    /**
     * The second read: with {@code watch} ({@code CALICO_STARTUP_CHANGED_NODES=watch}) by a watch ({@link #watched}),
     * ranged when the watch cannot tell; else ranged. {@code readRevision} is the first read's.
     */
    V3Snapshot read(long coverRevision, long readRevision, boolean watch) {
        Optional<V3Snapshot> watched = watch ? watched(coverRevision, readRevision) : Optional.empty();
        return watched.orElseGet(() -> ranged(coverRevision));
    }

    /**
     * Reads again what the first read read, with every node modified after the claims cover's revision instead of
     * the most recent ones (at most {@link V3Cover#CHANGED_MAX} + 1): one more round trip, far fewer bytes than
     * every node when many nodes changed at once (a fleet reboot).
     */
    private V3Snapshot ranged(long coverRevision) {
        List<Op> ops = V3FirstRead.baseReads(name, claimKeys);
        ops.add(Op.get(V3Keys.CLAIMS_COVER, false));
        ops.add(Op.changedSince(V3Keys.NODES, coverRevision, V3Cover.CHANGED_MAX + 1));
        long start = System.nanoTime();
        V3Response.Txn response = session.txn("read the nodes changed since the claims cover", List.of(), ops,
                List.of());
        Iterator<V3Response.Range> gets = response.gets().iterator();
        V3FirstRead.Base read = V3FirstRead.base(gets, claimKeys);
        Optional<Stored> cover = V3FirstRead.single(gets.next());
        List<Stored> changed = V3FirstRead.all(gets.next());
        LOG.info("Read the {} nodes changed since the claims cover (revision {}) in one round trip at revision {}: "
                + "{} ms", changed.size(), coverRevision, response.revision(), (System.nanoTime() - start) / 1_000_000);
        return read.snapshot(response.revision(), Optional.empty(), new V3Snapshot.Cover(true, cover,
                Optional.empty(), Optional.of(changed), coverRevision + 1));
    }

    /**
     * Watch mode ({@code CALICO_STARTUP_CHANGED_NODES=watch}): reads again what the first read read, writing the
     * fence key in the same transaction, while a watch from the claims cover's revision collects the nodes changed
     * since it up to that transaction (the fence's event) — one round trip. Empty when the watch cannot tell (cover
     * too far behind, compacted, refused, too busy): they are ranged instead ({@link #ranged}).
     */
    private Optional<V3Snapshot> watched(long coverRevision, long readRevision) {
        if (readRevision - coverRevision > V3Cover.WATCH_MAX_REVISIONS) {
            LOG.info("The claims cover (revision {}) is {} revisions behind: reading the nodes changed since it "
                    + "instead of watching them", coverRevision, readRevision - coverRevision);
            return Optional.empty();
        }
        List<Op> ops = V3FirstRead.baseReads(name, claimKeys);
        ops.add(Op.get(V3Keys.CLAIMS_COVER, false));
        ops.add(Op.put(V3Keys.CLAIMS_FENCE, V3Resources.claim(name)));
        String what = "watch the nodes changed since the claims cover";
        long start = System.nanoTime();
        try (V3Watch watch = session.watch(what, V3Keys.NODES, V3Keys.CLAIMS_FENCE + "\0", coverRevision + 1)) {
            V3Response.Txn response = session.txn("read the cluster beside the watch", 2, List.of(), ops,
                    List.of());
            if (!session.onCurrentMember(watch)) {
                LOG.info("Not waiting for the watch of the nodes changed since the claims cover: etcd member {} did "
                        + "not answer the transaction beside it; reading them instead", watch.endpoint());
                return Optional.empty();
            }
            Optional<List<Stored>> changed = watch.changedUpTo(response.revision(), V3Keys.NODES,
                    context.deadline().forCall(context.config().datastore().requestTimeout(), what).toNanos());
            if (changed.isEmpty()) {
                LOG.info("Could not watch the nodes changed since the claims cover (revision {}): {}; reading them "
                        + "instead", coverRevision, watch.failure());
                return Optional.empty();
            }
            Iterator<V3Response.Range> gets = response.gets().iterator();
            V3FirstRead.Base read = V3FirstRead.base(gets, claimKeys);
            Optional<Stored> cover = V3FirstRead.single(gets.next());
            LOG.info("Watched the {} nodes changed since the claims cover (revision {}) beside one transaction at "
                    + "revision {}: {} ms", changed.get().size(), coverRevision, response.revision(),
                    (System.nanoTime() - start) / 1_000_000);
            return Optional.of(read.snapshot(response.revision(), Optional.empty(), new V3Snapshot.Cover(true,
                    cover, Optional.empty(), changed, coverRevision + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(Reason.INTERNAL, "Interrupted while waiting for etcd (" + what + ")", e);
        }
    }

}
