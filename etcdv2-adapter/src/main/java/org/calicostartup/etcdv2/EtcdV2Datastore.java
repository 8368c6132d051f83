package org.calicostartup.etcdv2;

import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
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
    public StartupReport start(StartupContext context) {
        return context.mode() == StartupMode.FAST ? new FastV2Startup(client, context).run()
                : new Calico26Startup(client, context).run();
    }

    @Override
    public void close() {
        client.close();
    }
}
