package org.calicostartup.contract;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.InterfaceSource;

/**
 * One datastore as the contract suite sees it: how to configure a startup on it, and how to seed and read Calico's
 * data in its own layout. Every method talks to a real etcd; nothing is mocked.
 */
public interface ContractDatastore extends AutoCloseable {

    /** calico-node's environment for node {@code name} on this datastore (its DATASTORE_TYPE, files in a temp dir). */
    Map<String, String> env(String name, String... extra);

    /** One startup with made-up host interfaces. */
    StartupReport start(Map<String, String> env, InterfaceSource host, StartupMode mode);

    default StartupReport start(Map<String, String> env, InterfaceSource host) {
        return start(env, host, StartupMode.FAST);
    }

    /** A node as calico-node itself registers it (no claim), with {@code ipv4} ({@code a.b.c.d/nn}). */
    void seedNode(String name, String ipv4);

    /** {@code count} such nodes with addresses in 172.16.0.0/16. */
    void seedNodes(int count);

    /** A neighbour whose data cannot be read at all (no address can be seen in it). */
    void seedUnreadableNeighbour(String name);

    /** The node's stored IPv4 address as {@code ip/prefix}, if it has one. */
    Optional<String> storedIpv4(String name);

    /** Adds a field calico-startup does not own to the stored node. */
    void addForeignField(String name);

    /** Whether that field is still there, exactly. */
    boolean hasForeignField(String name);

    /** Every key under /calico with its value (volatile parts such as TTLs left out). */
    TreeMap<String, String> dump();

    /** Turns on etcd auth: root, and {@code user}/{@code password} with read and write on Calico's keys only. */
    void enableAuth(String user, String password) throws Exception;

    @Override
    void close();
}
