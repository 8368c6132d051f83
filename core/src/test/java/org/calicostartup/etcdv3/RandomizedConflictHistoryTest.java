package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.KV;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.calicostartup.StartupException;
import org.calicostartup.testing.EtcdCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's proof by testing, run against today's conflict check so that any later one must keep it: calico-startup
 * agents and claim-less writers (node keys written and deleted straight in etcd, as calico-node or calicoctl would)
 * change a few addresses at once on a real etcd that is compacted meanwhile; the recorded history must show no two
 * calico-startup nodes holding one address and no calico-startup node registering an address a claim-less node held
 * before its read. The seed is printed with every failure; {@code -Dhistory.seed=N} replays one.
 */
class RandomizedConflictHistoryTest {

    /** How much happens: the CI size here, a larger one from {@link ConflictHistoryRun} in the benchmarks jar. */
    record Workload(int agents, int startupsPerAgent, int writers, int writesPerWriter, int addresses) {
    }

    static final Workload CI = new Workload(4, 12, 3, 15, 6);

    @TempDir
    Path tmp;

    /**
     * Once with the full node list on every first registration or address change (no claims cover: the cluster is
     * below its minimum size), once with a claims cover created by the first startup and advanced by the others, so
     * that most startups read only the nodes changed since it (V3Cover), and once more with the changed nodes
     * found by a watch (V3Watch; etcd compacted less eagerly there, so that most watches are not refused).
     */
    @ParameterizedTest(name = "claims cover from {0} nodes, changed nodes by {1}")
    @CsvSource({"1000, newest", "0, newest", "0, watch"})
    void noCalicoStartupNodeSharesAnAddressOrMissesAClaimLessOne(int coverMinNodes, String changedNodes)
            throws Exception {
        long seed = Long.getLong("history.seed", System.nanoTime());
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            etcd.setEnv("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", Integer.toString(coverMinNodes))
                    .setEnv("CALICO_STARTUP_CHANGED_NODES", changedNodes);
            ConflictHistory history = run(etcd, new Random(seed), CI, changedNodes.equals("watch") ? 100 : 0);
            assertEquals(coverMinNodes == 0, etcd.get(V3Keys.CLAIMS_COVER).isPresent(),
                    "a claims cover exists exactly when one may be created: " + etcd.get(V3Keys.CLAIMS_COVER));
            List<String> violations = history.violations();
            System.out.printf("cover from %d nodes, changed nodes by %s, seed %d: %d registrations, %d claim-less "
                    + "writes, %d violations%n", coverMinNodes, changedNodes, seed, history.registrations(),
                    history.claimLessWrites(), violations.size());
            assertEquals(List.of(), violations, "seed " + seed);
            assertTrue(history.registrations() >= CI.agents()
                    && history.claimLessWrites() == CI.writers() * CI.writesPerWriter(),
                    "the run did something: " + history.registrations() + " registrations, "
                            + history.claimLessWrites() + " claim-less writes (seed " + seed + ")");
        }
    }

    /**
     * The workload: agents and writers on their own threads, a compactor beside them that compacts etcd every
     * 200 ms up to {@code keepRevisions} before its head.
     */
    static ConflictHistory run(EtcdV3Fixture etcd, Random random, Workload size, long keepRevisions)
            throws Exception {
        ConflictHistory history = new ConflictHistory();
        ExecutorService pool = Executors.newFixedThreadPool(size.agents() + size.writers() + 1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger conflicts = new AtomicInteger();
        // One registration first, alone: where a claims cover may be created, it is created here, so that the
        // concurrent part runs with one (it is never removed, only advanced).
        startOnce(etcd, history, "agent-0", address(random, size), conflicts);
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int a = 0; a < size.agents(); a++) {
                String node = "agent-" + a;
                Random own = new Random(random.nextLong());
                work.add(pool.submit(() -> {
                    for (int i = 0; i < size.startupsPerAgent(); i++) {
                        startOnce(etcd, history, node, address(own, size), conflicts);
                    }
                    return null;
                }));
            }
            for (int w = 0; w < size.writers(); w++) {
                String node = "writer-" + w;
                Random own = new Random(random.nextLong());
                work.add(pool.submit(() -> {
                    for (int i = 0; i < size.writesPerWriter(); i++) {
                        writeOnce(etcd, history, node, own, size);
                        Thread.sleep(20 + own.nextInt(100));
                    }
                    return null;
                }));
            }
            Future<?> compactor = pool.submit(() -> {
                long compacted = 0;
                while (!done.get()) {
                    Thread.sleep(200);
                    long revision = EtcdV3Fixture.await(etcd.client().getKVClient().get(EtcdV3Fixture.bytes("/")))
                            .getHeader().getRevision();
                    if (revision - keepRevisions > compacted) {
                        compacted = revision - keepRevisions;
                        EtcdV3Fixture.await(etcd.client().getKVClient().compact(compacted));
                    }
                }
                return null;
            });
            for (Future<?> f : work) {
                f.get(5, TimeUnit.MINUTES);
            }
            done.set(true);
            compactor.get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        if (conflicts.get() + history.registrations() != size.agents() * size.startupsPerAgent() + 1) {
            throw new IllegalStateException("not every startup ran: " + history.registrations() + " registered, "
                    + conflicts.get() + " refused");
        }
        return history;
    }

    private static void startOnce(EtcdV3Fixture etcd, ConflictHistory history, String node, String address,
            AtomicInteger conflicts) {
        KV kv = etcd.client().getKVClient();
        long started = EtcdV3Fixture.await(kv.get(EtcdV3Fixture.bytes("/"))).getHeader().getRevision();
        try {
            etcd.start(etcd.env(node, "IP", address + "/24", "CALICO_STARTUP_REQUEST_TIMEOUT", "30s",
                    "CALICO_STARTUP_TIMEOUT", "120s"), EtcdV3Fixture.host(address + "/24"));
        } catch (StartupException e) {
            if (e.reason() != StartupException.Reason.IP_CONFLICT) {
                throw e;
            }
            conflicts.incrementAndGet();
            return;
        }
        // Only this thread writes this node, so its current mod revision is the registration's write.
        history.registered(node, address + "/24", started, etcd.modRevision(V3Keys.node(node)));
    }

    private static void writeOnce(EtcdV3Fixture etcd, ConflictHistory history, String node, Random random,
            Workload size) {
        KV kv = etcd.client().getKVClient();
        if (random.nextInt(5) == 0) {
            long revision = EtcdV3Fixture.await(kv.delete(EtcdV3Fixture.bytes(V3Keys.node(node)))).getHeader()
                    .getRevision();
            history.claimLess(node, null, revision);
            return;
        }
        String address = address(random, size);
        long revision = EtcdV3Fixture.await(kv.put(EtcdV3Fixture.bytes(V3Keys.node(node)), EtcdV3Fixture.bytes(
                EtcdV3Fixture.calicoNode(node, address + "/24", 400)))).getHeader().getRevision();
        history.claimLess(node, address + "/24", revision);
    }

    private static String address(Random random, Workload size) {
        return "10.60.0." + (1 + random.nextInt(size.addresses()));
    }
}
