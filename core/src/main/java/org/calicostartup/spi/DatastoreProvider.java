package org.calicostartup.spi;

import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.config.DatastoreType;

/**
 * Found through {@link java.util.ServiceLoader}: one per datastore type. The etcd v3 provider is in core; the etcd
 * v2 provider comes with the {@code etcdv2-adapter} module on the class path.
 */
public interface DatastoreProvider {

    DatastoreType type();

    /** Opens the datastore; no network I/O needs to happen before the first call of {@link Datastore#start}. */
    Datastore open(DatastoreConfig config);
}
