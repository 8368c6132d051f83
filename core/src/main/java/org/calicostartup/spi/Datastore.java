package org.calicostartup.spi;



/**
 * A datastore that can register a node: it reads what it needs, decides with the shared rules of
 * {@code org.calicostartup.node}, and writes, in its own I/O pattern. Implementations must bound every call with
 * the context's deadline and count their I/O in its {@link IoStats}.
 */
public interface Datastore extends AutoCloseable {

    /** Performs the startup; throws {@link org.calicostartup.StartupException} on failure. */
    StartupOutcome start(StartupContext context);

    /**
     * Read-only look at the cluster for {@code diagnose}: {@code samples} sequential round trips of a tiny read,
     * timed, and the number of nodes. Writes nothing.
     */
    ClusterSurvey survey(int samples, Deadline deadline);

    /**
     * The Calico version this datastore's own layout records ({@code /calico/v1/config/CalicoVersion} in etcd v2,
     * ClusterInformation {@code calicoVersion} in etcd v3), or empty when it holds no Calico data. One read.
     */
    java.util.Optional<String> recordedCalicoVersion(Deadline deadline);

    /** What {@link #survey} found. */
    record ClusterSurvey(java.util.List<java.time.Duration> roundTrips, long nodes) {
        public ClusterSurvey {
            roundTrips = java.util.List.copyOf(roundTrips);
        }

        /** The median round-trip time. */
        public java.time.Duration medianRoundTrip() {
            java.util.List<java.time.Duration> sorted = roundTrips.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    @Override
    void close();
}
