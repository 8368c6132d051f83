/**
 * Internal: Calico's address autodetection over an {@link org.calicostartup.autodetect.InterfaceSource} — the
 * methods, the host's interfaces from {@code ip -json address show} or the JDK. Not part of the public API; may
 * change in any release.
 */
package org.calicostartup.autodetect.internal;
