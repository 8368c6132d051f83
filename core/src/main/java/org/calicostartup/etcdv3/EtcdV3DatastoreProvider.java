package org.calicostartup.etcdv3;

import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.DatastoreProvider;

/** Registers {@link EtcdV3Datastore} for {@code DATASTORE_TYPE=etcdv3}. */
public final class EtcdV3DatastoreProvider implements DatastoreProvider {

    @Override
    public DatastoreType type() {
        return DatastoreType.ETCDV3;
    }

    @Override
    public Datastore open(DatastoreConfig config) {
        return EtcdV3Datastore.open(config);
    }
}
