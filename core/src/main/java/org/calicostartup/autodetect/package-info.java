/**
 * Public API: {@link org.calicostartup.autodetect.InterfaceSource} and
 * {@link org.calicostartup.autodetect.HostInterface} (where a host's interfaces come from),
 * {@link org.calicostartup.autodetect.ReachProbe} (how {@code can-reach=} finds a source address) and
 * {@link org.calicostartup.autodetect.AutodetectionMethod} (the methods of {@code IP_AUTODETECTION_METHOD}, as the
 * configuration holds them). Calico's autodetection over them is internal
 * ({@code org.calicostartup.autodetect.internal}).
 */
package org.calicostartup.autodetect;
