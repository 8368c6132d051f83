package org.calicostartup.cli;

import org.calicostartup.StartupException;

/** The process exit codes of {@code bin/calico-startup}, one per kind of failure, as the README documents them. */
public final class ExitCodes {

    public static final int OK = 0;
    /** Anything not listed below. */
    public static final int OTHER = 1;
    /** Invalid environment variable, file, node name or command line; nothing was read or written. */
    public static final int CONFIGURATION = 2;
    /** The datastore could not be reached within the deadline. */
    public static final int DATASTORE_UNAVAILABLE = 3;
    /** The datastore refused the credentials or certificate. */
    public static final int UNAUTHORIZED = 4;
    /** Another node uses this node's IP address; the node was not written. */
    public static final int IP_CONFLICT = 5;
    /** No address could be autodetected. */
    public static final int AUTODETECTION = 6;
    /** This node's stored data cannot be read; it was left untouched. */
    public static final int INVALID_STORED_DATA = 7;

    private ExitCodes() {
    }

    public static int of(StartupException.Reason reason) {
        return switch (reason) {
            case CONFIGURATION -> CONFIGURATION;
            case DATASTORE_UNAVAILABLE -> DATASTORE_UNAVAILABLE;
            case UNAUTHORIZED -> UNAUTHORIZED;
            case IP_CONFLICT -> IP_CONFLICT;
            case AUTODETECTION -> AUTODETECTION;
            case INVALID_STORED_DATA -> INVALID_STORED_DATA;
            case INTERNAL -> OTHER;
        };
    }
}
