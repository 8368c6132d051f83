package org.calicostartup.etcdv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recommended deployment on Calico 2.6: after calico-startup registered the node, calico-node 2.6's own sequence
 * (the reference mode) finds it registered with unchanged addresses: a restart, none of its 1 + 6·H list requests.
 */
class InitContainerPatternV2Test extends SharedEtcdV2Test {

    @ParameterizedTest(name = "{0} existing hosts")
    @ValueSource(ints = {53, 500})
    void calicoNodeAfterCalicoStartupSkipsItsNodeList(int existing) {
        etcd.seedHosts(existing);
        StartupReport first = etcd.start(etcd.env("node-new", "CALICO_K8S_NODE_REF", "node-new"),
                EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.FAST);
        assertTrue(first.nodeCreated());

        StartupReport calicoNode = etcd.start(etcd.env("node-new", "CALICO_K8S_NODE_REF", "node-new"),
                EtcdV2Fixture.host("10.0.0.11/24"), StartupMode.CALICO_REFERENCE);
        assertFalse(calicoNode.nodeCreated());
        assertFalse(calicoNode.conflictCheckRan(), "no node list");
        assertEquals(31, calicoNode.io().requests(), calicoNode.summary());
    }
}
