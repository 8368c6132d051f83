/**
 * Internal: shared implementation details of the datastores (TLS material, retry backoff, Calico's JSON as trees).
 * Not part of the public API; may change in any release.
 */
package org.calicostartup.internal;
