package org.calicostartup.config;

/** The datastores calico-startup speaks. {@code DATASTORE_TYPE=kubernetes} (KDD) is not supported. */
public enum DatastoreType {
    /** etcd v3 API, Calico v3 key layout ({@code /calico/resources/v3/projectcalico.org/...}). The default. */
    ETCDV3("etcdv3"),
    /** etcd v2 API, Calico 2.6 key layout ({@code /calico/v1/...}, {@code /calico/bgp/v1/...}). */
    ETCDV2("etcdv2");

    private final String envValue;

    DatastoreType(String envValue) {
        this.envValue = envValue;
    }

    /** The value of {@code DATASTORE_TYPE} that selects it. */
    public String envValue() {
        return envValue;
    }
}
