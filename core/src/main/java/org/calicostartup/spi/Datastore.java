package org.calicostartup.spi;

import org.calicostartup.StartupReport;

/**
 * A datastore that can register a node: it reads what it needs, decides with the shared rules of
 * {@code org.calicostartup.node}, and writes, in its own I/O pattern. Implementations must bound every call with
 * the context's deadline and count their I/O in its {@link IoStats}.
 */
public interface Datastore extends AutoCloseable {

    /** Performs the startup; throws {@link org.calicostartup.StartupException} on failure. */
    StartupReport start(StartupContext context);

    @Override
    void close();
}
