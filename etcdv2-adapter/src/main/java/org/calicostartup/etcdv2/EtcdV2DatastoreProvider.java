package org.calicostartup.etcdv2;

import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.DatastoreProvider;

/** Registers {@link EtcdV2Datastore} for {@code DATASTORE_TYPE=etcdv2}. */
public final class EtcdV2DatastoreProvider implements DatastoreProvider {

    @Override
    public DatastoreType type() {
        return DatastoreType.ETCDV2;
    }

    @Override
    public Datastore open(DatastoreConfig config) {
        return EtcdV2Datastore.open(config);
    }
}
