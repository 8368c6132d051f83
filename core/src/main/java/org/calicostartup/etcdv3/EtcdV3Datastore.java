package org.calicostartup.etcdv3;

import org.calicostartup.StartupMode;
import org.calicostartup.spi.StartupOutcome;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.StartupContext;

/**
 * The etcd v3 datastore in Calico v3's key layout. {@link StartupMode#FAST} is calico-startup's two-round-trip
 * startup; {@link StartupMode#CALICO_REFERENCE} replays calico-node v3's own sequence of requests. The connection is
 * kept between startups, so an agent (or a benchmark) pays for connecting once.
 */
public final class EtcdV3Datastore implements Datastore {

    private final EtcdV3Connection connection;

    private EtcdV3Datastore(EtcdV3Connection connection) {
        this.connection = connection;
    }

    /** Builds the etcd v3 client (TLS files are loaded here); no request is sent until the first startup. */
    public static EtcdV3Datastore open(DatastoreConfig config) {
        return new EtcdV3Datastore(EtcdV3Connection.open(config));
    }

    @Override
    public StartupOutcome start(StartupContext context) {
        return context.mode() == StartupMode.FAST
                ? new FastV3Startup(connection, context).run()
                : new Calico3Startup(connection, context).run();
    }

    @Override
    public ClusterSurvey survey(int samples, org.calicostartup.spi.Deadline deadline) {
        EtcdV3Connection.Session session = connection.session(new org.calicostartup.spi.IoStats(), deadline);
        session.get("connect", V3Keys.CLUSTER_INFORMATION, false);
        java.util.List<java.time.Duration> times = new java.util.ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            session.get("measure the round-trip time", V3Keys.CLUSTER_INFORMATION, false);
            times.add(java.time.Duration.ofNanos(System.nanoTime() - start));
        }
        return new ClusterSurvey(times, session.count("count the nodes", V3Keys.NODES));
    }

    @Override
    public java.util.Optional<String> recordedCalicoVersion(org.calicostartup.spi.Deadline deadline) {
        EtcdV3Connection.Session session = connection.session(new org.calicostartup.spi.IoStats(), deadline);
        return session.get("read the recorded Calico version", V3Keys.CLUSTER_INFORMATION, false).kvs().stream()
                .findFirst().map(kv -> V3ClusterResources.recordedVersion(kv.value()));
    }

    @Override
    public void close() {
        connection.close();
    }
}
