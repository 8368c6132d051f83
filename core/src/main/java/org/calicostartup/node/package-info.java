/**
 * Internal: the startup rules shared by the datastores: address resolution, the conflict check, IP claims, the nodename file. Not part of the public API; may change in any release.
 */
package org.calicostartup.node;
