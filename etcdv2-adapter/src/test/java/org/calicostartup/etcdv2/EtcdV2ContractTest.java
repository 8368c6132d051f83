package org.calicostartup.etcdv2;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.contract.ContractDatastore;
import org.calicostartup.contract.DatastoreContract;
import org.calicostartup.testing.EtcdCluster;

/** The datastore contract on etcd v2, in Calico 2.6's layout. */
class EtcdV2ContractTest extends DatastoreContract {

    @Override
    protected ContractDatastore open(EtcdCluster cluster, Path tmp) {
        return new V2(cluster, new EtcdV2Fixture(cluster, tmp));
    }

    private record V2(EtcdCluster cluster, EtcdV2Fixture etcd) implements ContractDatastore {

        @Override
        public Map<String, String> env(String name, String... extra) {
            Map<String, String> env = etcd.env(name, extra);
            env.putIfAbsent("IP", "autodetect");
            return env;
        }

        @Override
        public StartupReport start(Map<String, String> env, InterfaceSource host, StartupMode mode) {
            return etcd.start(env, host, mode);
        }

        @Override
        public void seedNode(String name, String ipv4) {
            String ip = ipv4.substring(0, ipv4.indexOf('/'));
            String network = org.calicostartup.net.CidrAddress.parse(ipv4).orElseThrow().network().toString();
            etcd.seedHost(name, ip, network);
        }

        @Override
        public void seedNodes(int count) {
            etcd.seedHosts(count);
        }

        @Override
        public void seedUnreadableNeighbour(String name) {
            etcd.put(V2Layout.host(name) + "/metadata", "{}");
            etcd.put(V2Layout.bgpHost(name) + "/ip_addr_v4", "not-an-ip");
            etcd.put(V2Layout.bgpHost(name) + "/network_v4", "not-a-network");
        }

        @Override
        public Optional<String> storedIpv4(String name) {
            TreeMap<String, String> dump = etcd.dump();
            String ip = dump.getOrDefault(V2Layout.bgpHost(name) + "/ip_addr_v4", "");
            String network = dump.getOrDefault(V2Layout.bgpHost(name) + "/network_v4", "");
            if (ip.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(ip + (network.contains("/") ? network.substring(network.indexOf('/')) : "/32"));
        }

        @Override
        public void addForeignField(String name) {
            etcd.put(V2Layout.host(name) + "/contract-foreign", "kept");
        }

        @Override
        public boolean hasForeignField(String name) {
            return "kept".equals(etcd.dump().get(V2Layout.host(name) + "/contract-foreign"));
        }

        @Override
        public TreeMap<String, String> dump() {
            return etcd.dump();
        }

        @Override
        public void enableAuth(String user, String password) throws Exception {
            String root = "Basic " + Base64.getEncoder().encodeToString("root:root-pw".getBytes());
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/users/root", "{\"user\":\"root\",\"password\":\"root-pw\"}", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/roles/calico", "{\"role\":\"calico\",\"permissions\":{\"kv\":"
                    + "{\"read\":[\"/calico/*\"],\"write\":[\"/calico/*\"]}}}", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/users/" + user, "{\"user\":\"" + user + "\",\"password\":\""
                    + password + "\",\"roles\":[\"calico\"]}", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/enable", "", null);
            EtcdV2Fixture.v2auth(cluster, "/v2/auth/roles/guest", "{\"role\":\"guest\",\"revoke\":{\"kv\":{\"read\":"
                    + "[\"/*\"],\"write\":[\"/*\"]}}}", root);
        }

        @Override
        public void close() {
            // the fixture holds only the cluster's shared HTTP client
        }
    }
}
