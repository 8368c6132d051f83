/**
 * Internal: the etcd v3 datastore (Calico v3 layout), found through its DatastoreProvider. Not part of the public API; may change in any release.
 */
package org.calicostartup.etcdv3;
