/**
 * Internal: shared implementation details of the datastores (TLS material). Not part of the public API; may change
 * in any release.
 */
package org.calicostartup.internal;
