/**
 * Internal: IP addresses and networks as Calico parses them. Not part of the public API; may change in any release.
 */
package org.calicostartup.net;
