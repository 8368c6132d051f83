package org.calicostartup.etcdv3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.calicostartup.testing.EtcdCluster;

/**
 * The randomized conflict history of {@link RandomizedConflictHistoryTest} at a size chosen on the command line,
 * against its own etcd; shipped in the benchmarks jar:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.calicostartup.etcdv3.ConflictHistoryRun AGENTS STARTUPS WRITERS WRITES ADDRESSES [SEED]</pre>
 *
 * The startups get this process's {@code CALICO_STARTUP_CLAIMS_COVER_MIN_NODES} and
 * {@code CALICO_STARTUP_CHANGED_NODES}.
 *
 * Prints what happened and every violation; exits 1 if there is one.
 */
public final class ConflictHistoryRun {

    private ConflictHistoryRun() {
    }

    public static void main(String[] args) throws Exception {
        RandomizedConflictHistoryTest.Workload size = new RandomizedConflictHistoryTest.Workload(
                Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        long seed = args.length > 5 ? Long.parseLong(args[5]) : System.nanoTime();
        long start = System.nanoTime();
        Path tmp = Files.createTempDirectory("calico-startup-history-");
        try (EtcdCluster cluster = EtcdCluster.single(); EtcdV3Fixture etcd = new EtcdV3Fixture(cluster, tmp)) {
            boolean watch = false;
            StringBuilder settings = new StringBuilder();
            for (String variable : List.of("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "CALICO_STARTUP_CHANGED_NODES")) {
                String value = System.getenv(variable);
                if (value != null) {
                    etcd.setEnv(variable, value);
                    watch |= value.equals("watch");
                    settings.append(' ').append(variable).append('=').append(value);
                }
            }
            // With the changed nodes found by a watch, etcd keeps some revisions, as in the test.
            ConflictHistory history = RandomizedConflictHistoryTest.run(etcd, new Random(seed), size, watch ? 100 : 0);
            List<String> violations = history.violations();
            System.out.printf("%s%s, seed %d: %d registrations, %d claim-less writes, %d violations, %.1f s%n",
                    size, settings.length() == 0 ? "" : "," + settings, seed, history.registrations(),
                    history.claimLessWrites(), violations.size(), (System.nanoTime() - start) / 1e9);
            violations.forEach(System.out::println);
            System.exit(violations.isEmpty() ? 0 : 1);
        }
    }
}
