/**
 * Public API: {@link org.calicostartup.config.StartupConfig}, read from calico-node's environment by
 * {@code StartupConfig.fromEnvironment}, and the records it is made of (datastore, node, pools), each validated when
 * built.
 */
package org.calicostartup.config;
