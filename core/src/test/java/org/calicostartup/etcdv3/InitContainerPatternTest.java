package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recommended deployment: calico-startup as an initContainer, then calico-node's own startup. After calico-startup
 * registered the node, calico-node v3's sequence (the reference mode) finds it registered with unchanged addresses
 * and does a restart — 7 requests, no node list — whatever the cluster size.
 */
class InitContainerPatternTest extends SharedEtcdV3Test {

    @ParameterizedTest(name = "{0} existing nodes")
    @ValueSource(ints = {53, 500})
    void calicoNodeAfterCalicoStartupSkipsItsNodeList(int existing) {
        etcd.seedNodes(existing, 1000);
        StartupReport first = etcd.start(etcd.env("node-new", "CALICO_K8S_NODE_REF", "node-new"),
                EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertTrue(first.nodeCreated());
        assertEquals(2, first.io().roundTrips(), first.summary());

        StartupReport calicoNode = etcd.start(etcd.env("node-new", "CALICO_K8S_NODE_REF", "node-new"),
                EtcdV3Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        assertFalse(calicoNode.nodeCreated());
        assertFalse(calicoNode.conflictCheckRan(), "no node list");
        // get node, update node (CALICO_K8S_NODE_REF is set), list pools, get ClusterInformation, get both Felix
        // configurations and (v3.32+) the default BGPConfiguration.
        assertEquals(7, calicoNode.io().requests(), calicoNode.summary());
        assertTrue(calicoNode.io().keysRead() < 10, calicoNode.summary());
    }
}
