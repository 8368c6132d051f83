/**
 * The datastore SPI: a {@link org.calicostartup.spi.DatastoreProvider} found through {@link java.util.ServiceLoader}
 * opens a {@link org.calicostartup.spi.Datastore}, which performs one startup from a
 * {@link org.calicostartup.spi.StartupContext}, bounded by its {@link org.calicostartup.spi.Deadline} and counted in
 * its {@link org.calicostartup.spi.IoStats}. For implementers of a datastore, not for callers of the library.
 */
package org.calicostartup.spi;
