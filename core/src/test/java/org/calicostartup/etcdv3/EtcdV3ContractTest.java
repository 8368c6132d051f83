package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.contract.ContractDatastore;
import org.calicostartup.contract.DatastoreContract;
import org.calicostartup.testing.EtcdCluster;

/** The datastore contract on etcd v3, in Calico v3's layout. */
class EtcdV3ContractTest extends DatastoreContract {

    @Override
    protected ContractDatastore open(EtcdCluster cluster, Path tmp) {
        return new V3(new EtcdV3Fixture(cluster, tmp));
    }

    private record V3(EtcdV3Fixture etcd) implements ContractDatastore {

        private static final String LABEL = "contract.example.com/foreign";

        @Override
        public Map<String, String> env(String name, String... extra) {
            Map<String, String> env = etcd.env(name, extra);
            env.putIfAbsent("DATASTORE_TYPE", "etcdv3");
            return env;
        }

        @Override
        public StartupReport start(Map<String, String> env, InterfaceSource host, StartupMode mode) {
            return etcd.start(env, host, mode);
        }

        @Override
        public void seedNode(String name, String ipv4) {
            etcd.putCalicoNode(name, ipv4);
        }

        @Override
        public void seedNodes(int count) {
            etcd.seedNodes(count, 400);
        }

        @Override
        public void seedUnreadableNeighbour(String name) {
            etcd.put(V3Keys.node(name), "{\"kind\":\"Node\",\"spec\":{\"bgp\":");
        }

        @Override
        public Optional<String> storedIpv4(String name) {
            return etcd.get(V3Keys.node(name)).map(value -> etcd.json(V3Keys.node(name)).path("spec").path("bgp")
                    .path("ipv4Address").asText("")).filter(a -> !a.isEmpty());
        }

        @Override
        public void addForeignField(String name) {
            ObjectNode node = (ObjectNode) etcd.json(V3Keys.node(name));
            ((ObjectNode) node.path("metadata")).putObject("labels").put(LABEL, "kept");
            etcd.putJson(V3Keys.node(name), node);
        }

        @Override
        public boolean hasForeignField(String name) {
            return etcd.json(V3Keys.node(name)).path("metadata").path("labels").path(LABEL).asText().equals("kept");
        }

        @Override
        public TreeMap<String, String> dump() {
            return etcd.dump();
        }

        @Override
        public void enableAuth(String user, String password) {
            etcd.enableAuth(user, password);
        }

        @Override
        public void close() {
            etcd.close();
        }
    }
}
