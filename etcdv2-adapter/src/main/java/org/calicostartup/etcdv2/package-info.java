/**
 * Internal: the etcd v2 datastore (Calico 2.6 layout), found through its DatastoreProvider when this module is on the
 * class path. Not part of the public API; may change in any release.
 */
package org.calicostartup.etcdv2;
