package org.calicostartup;

/** How a datastore performs the startup. */
public enum StartupMode {
    /** calico-startup's own I/O pattern: one batched read, one conditional write, race-free IP claims. */
    FAST,
    /**
     * The request sequence of calico-node itself (2.6.12 on etcd v2, v3.x on etcd v3), one request at a time, kept as
     * the benchmark baseline. Same resulting data (without IP claims), many more round trips.
     */
    CALICO_REFERENCE
}
