/**
 * Internal: the Calico release profiles (every rule that changes between calico-node releases). Not part of the public API; may change in any release.
 */
package org.calicostartup.profile;
