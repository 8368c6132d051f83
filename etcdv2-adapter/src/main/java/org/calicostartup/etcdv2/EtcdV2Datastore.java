package org.calicostartup.etcdv2;

import org.calicostartup.StartupMode;
import org.calicostartup.spi.StartupOutcome;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.StartupContext;

/**
 * The etcd v2 datastore in Calico 2.6's layout. {@link StartupMode#FAST}: at most three round trips;
 * {@link StartupMode#CALICO_REFERENCE}: calico-node 2.6.12's own sequence. Connections are kept between startups.
 */
public final class EtcdV2Datastore implements Datastore {

    private final EtcdV2Client client;

    private EtcdV2Datastore(EtcdV2Client client) {
        this.client = client;
    }

    /** Builds the HTTP client (TLS files are loaded here); no request is sent until the first startup. */
    public static EtcdV2Datastore open(DatastoreConfig config) {
        return new EtcdV2Datastore(new EtcdV2Client(config));
    }

    @Override
    public StartupOutcome start(StartupContext context) {
        return context.mode() == StartupMode.FAST ? new FastV2Startup(client, context).run()
                : new Calico26Startup(client, context).run();
    }

    @Override
    public ClusterSurvey survey(int samples, org.calicostartup.spi.Deadline deadline) {
        EtcdV2Client.Session session = client.session(new org.calicostartup.spi.IoStats(), deadline);
        session.one("connect", EtcdV2Client.Request.get(V2Layout.READY, false, false));
        java.util.List<java.time.Duration> times = new java.util.ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            session.one("measure the round-trip time", EtcdV2Client.Request.get(V2Layout.READY, false, false));
            times.add(java.time.Duration.ofNanos(System.nanoTime() - start));
        }
        long hosts = V2Tree.children(session.one("count the nodes",
                EtcdV2Client.Request.get(V2Layout.HOSTS, false, false))).size();
        return new ClusterSurvey(times, hosts);
    }

    @Override
    public java.util.Optional<String> recordedCalicoVersion(org.calicostartup.spi.Deadline deadline) {
        EtcdV2Client.Response response = client.session(new org.calicostartup.spi.IoStats(), deadline).one(
                "read the recorded Calico version", EtcdV2Client.Request.get(V2Layout.CALICO_VERSION_KEY, false, false));
        return response.ok() ? response.node().map(n -> n.path("value").asText("")) : java.util.Optional.empty();
    }

    @Override
    public void close() {
        client.close();
    }
}
