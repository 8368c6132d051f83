/**
 * Public API: {@link org.calicostartup.autodetect.InterfaceSource} and
 * {@link org.calicostartup.autodetect.HostInterface} (where a host's interfaces come from), and
 * {@link org.calicostartup.autodetect.ReachProbe} (how {@code can-reach=} finds a source address). The rest —
 * Calico's autodetection methods over them — is used by the startup and may change.
 */
package org.calicostartup.autodetect;
