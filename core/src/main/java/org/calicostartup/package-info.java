/**
 * calico-startup's public API: {@link org.calicostartup.NodeStartup} (and its builder) registers a node,
 * {@link org.calicostartup.StartupReport} says what it did (with the node's
 * {@link org.calicostartup.NodeAddresses} before and after), {@link org.calicostartup.StartupException} (with its
 * {@link org.calicostartup.StartupException.Reason}) why it failed, {@link org.calicostartup.StartupMode} which
 * request sequence it used. The configuration is {@link org.calicostartup.config.StartupConfig}; where interfaces
 * come from is {@link org.calicostartup.autodetect.InterfaceSource}; a datastore plugs in through
 * {@link org.calicostartup.spi.DatastoreProvider}. Packages whose package documentation says "Internal" are not part
 * of the API.
 */
package org.calicostartup;
