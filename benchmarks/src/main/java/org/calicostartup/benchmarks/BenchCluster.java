package org.calicostartup.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupMode;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.testing.EtcdCluster;
import org.calicostartup.testing.LatencyProxy;

/**
 * A benchmark's cluster: a real etcd (started here, or the one named by {@code -Detcd.endpoints}), seeded with N
 * Calico nodes of about 1 KB (v3) or Calico 2.6's per-host keys (v2), initialised once (pools, cluster
 * information, defaults), with the latency proxy in front.
 */
final class BenchCluster implements AutoCloseable {

    private final Optional<EtcdCluster> owned;
    private final URI etcd;
    private final LatencyProxy proxy;
    private final Path work;
    private final Map<String, String> settings;

    BenchCluster(DatastoreType type, int nodes, int rttMillis) throws Exception {
        this(type, nodes, rttMillis, false, Map.of());
    }

    /**
     * @param claims   seed the etcd v3 nodes with their IP claims, as a cluster registered by calico-startup has
     * @param settings environment variables every startup on this cluster gets, its initialisation included
     */
    BenchCluster(DatastoreType type, int nodes, int rttMillis, boolean claims, Map<String, String> settings)
            throws Exception {
        this.settings = Map.copyOf(settings);
        String external = System.getProperty("etcd.endpoints", "");
        this.owned = external.isEmpty() ? Optional.of(EtcdCluster.builder().start()) : Optional.empty();
        this.etcd = owned.map(c -> c.member(0).clientUri()).orElse(URI.create(external.split(",")[0]));
        this.work = Files.createTempDirectory("calico-startup-bench-");
        clear();
        if (type == DatastoreType.ETCDV3) {
            seedV3(nodes, claims);
        } else {
            seedV2(nodes);
        }
        // Pools, cluster information and defaults exist in a running cluster: create them with one registration,
        // then remove that node again so the cluster holds exactly `nodes` nodes.
        Map<String, String> init = env(type, etcd.toString(), "bench-init");
        NodeStartup.builder(StartupConfig.fromEnvironment(init, new NodeNameResolver(() -> "x")))
                .interfaces(host("10.250.0.1/16")).build().run();
        removeNode(type, "bench-init", "10.250.0.1");
        this.proxy = LatencyProxy.start(etcd, Duration.ofMillis(rttMillis));
    }

    /** Bytes etcd has sent through the latency proxy so far (to every connection, failed requests included). */
    long bytesFromEtcd() {
        return proxy.bytesFromTarget();
    }

    /** calico-node environment for {@code name}, through the proxy unless {@code endpoints} says otherwise. */
    Map<String, String> env(DatastoreType type, String name) {
        return env(type, proxy.uri("http").toString(), name);
    }

    private Map<String, String> env(DatastoreType type, String endpoints, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("DATASTORE_TYPE", type.envValue());
        env.put("ETCD_ENDPOINTS", endpoints);
        env.put("NODENAME", name);
        env.put("IP", "autodetect");
        env.put("FELIX_IPV6SUPPORT", "false");
        env.put("CALICO_NODENAME_FILE", work.resolve("nodename").toString());
        env.put("CALICO_STARTUP_ENV_FILE", work.resolve("startup.env").toString());
        env.put("CALICO_STARTUP_TIMEOUT", "4h");
        env.put("CALICO_STARTUP_REQUEST_TIMEOUT", "60s");
        env.putAll(settings);
        return env;
    }

    /** calico-node environment for {@code name}, straight to etcd (for untimed set-up work). */
    Map<String, String> directEnv(DatastoreType type, String name) {
        return env(type, etcd.toString(), name);
    }

    /** A connected datastore through the proxy, so measured startups do not pay for connecting. */
    Datastore openDatastore(DatastoreType type) {
        return open(env(type, "bench-connect"));
    }

    /** A connected datastore straight to etcd, for untimed set-up work. */
    Datastore openDirectDatastore(DatastoreType type) {
        return open(directEnv(type, "bench-connect"));
    }

    private static Datastore open(Map<String, String> env) {
        StartupConfig config = StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "x"));
        Datastore datastore = NodeStartup.openDatastore(config.datastore());
        datastore.survey(1, org.calicostartup.spi.Deadline.after(Duration.ofMinutes(1)));
        return datastore;
    }

    static InterfaceSource host(String address) {
        return () -> List.of(HostInterface.of("lo", "127.0.0.1/8"), HostInterface.of("eth0", address));
    }

    /** A unique address per startup, outside the seeded 172.16.0.0/12. */
    static String address(int index) {
        return "10." + (100 + index / 65_000) + "." + (index / 250 % 250) + "." + (index % 250 + 1) + "/16";
    }

    static StartupMode startupMode(String mode) {
        return mode.startsWith("calico") ? StartupMode.CALICO_REFERENCE : StartupMode.FAST;
    }

    static DatastoreType datastoreType(String mode) {
        return switch (mode) {
            case "calico26", "fastV2" -> DatastoreType.ETCDV2;
            case "calico3", "fastV3" -> DatastoreType.ETCDV3;
            default -> throw new IllegalArgumentException("mode must be calico26, fastV2, calico3 or fastV3: " + mode);
        };
    }

    /** Sequential round trips of a first registration beside {@code hosts} nodes, as the tests assert them. */
    static long predictedRoundTrips(String mode, int hosts) {
        return switch (mode) {
            case "calico26" -> 27 + 6L * hosts;
            // get node, list nodes, create node, list pools, get ClusterInformation, get both Felix
            // configurations, create Felix node.<name>, get the default BGPConfiguration (v3.32+)
            case "calico3" -> 10;
            case "fastV2" -> 3;
            default -> 2;
        };
    }

    /** Whether etcd holds {@code key} (read directly, not through the latency proxy). */
    boolean has(String key) throws Exception {
        try (Client client = Client.builder().endpoints(etcd).build()) {
            return client.getKVClient().get(bytes(key)).get(60, TimeUnit.SECONDS).getCount() > 0;
        }
    }

    private void seedV3(int nodes, boolean claims) throws Exception {
        try (Client client = Client.builder().endpoints(etcd).maxInboundMessageSize(256 << 20).build()) {
            KV kv = client.getKVClient();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String name = "node-" + i;
                inFlight.add(kv.put(bytes("/calico/resources/v3/projectcalico.org/nodes/" + name),
                        bytes(calicoNode(name, seedAddress(i) + "/12"))));
                if (claims) {
                    inFlight.add(kv.put(bytes("/calico/startup/v1/ipclaims/ipv4/" + seedAddress(i)),
                            bytes("{\"node\":\"" + name + "\"}")));
                }
                if (inFlight.size() == 256) {
                    await(inFlight);
                }
            }
            await(inFlight);
        }
    }

    private void seedV2(int nodes) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            String name = "node-" + i;
            String ip = seedAddress(i);
            for (String[] kv : new String[][] {{"/calico/v1/host/" + name + "/metadata", "{}"},
                    {"/calico/v1/host/" + name + "/bird_ip", ip}, {"/calico/bgp/v1/host/" + name + "/ip_addr_v4", ip},
                    {"/calico/bgp/v1/host/" + name + "/ip_addr_v6", ""},
                    {"/calico/bgp/v1/host/" + name + "/network_v4", "172.16.0.0/12"}}) {
                inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create(etcd + "/v2/keys" + kv[0]))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .PUT(HttpRequest.BodyPublishers.ofString("value=" + URLEncoder.encode(kv[1],
                                StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.discarding()));
            }
            if (inFlight.size() >= 64) {
                await(inFlight);
            }
        }
        await(inFlight);
    }

    /** Deletes a node registered by a benchmark operation (straight to etcd, not timed), keeping N constant. */
    void removeNode(DatastoreType type, String name, String ip) throws Exception {
        if (type == DatastoreType.ETCDV3) {
            try (Client client = Client.builder().endpoints(etcd).build()) {
                KV kv = client.getKVClient();
                kv.delete(bytes("/calico/resources/v3/projectcalico.org/nodes/" + name)).get(60, TimeUnit.SECONDS);
                kv.delete(bytes("/calico/resources/v3/projectcalico.org/felixconfigurations/node." + name))
                        .get(60, TimeUnit.SECONDS);
                kv.delete(bytes("/calico/startup/v1/ipclaims/ipv4/" + ip)).get(60, TimeUnit.SECONDS);
            }
        } else {
            HttpClient http = HttpClient.newHttpClient();
            for (String key : new String[] {"/calico/v1/host/" + name, "/calico/bgp/v1/host/" + name,
                    "/calico/ipam/v2/host/" + name, "/calico/startup/v1/ipclaims/ipv4/" + ip}) {
                http.send(HttpRequest.newBuilder(URI.create(etcd + "/v2/keys" + key + "?recursive=true")).DELETE()
                        .build(), HttpResponse.BodyHandlers.discarding());
            }
        }
    }

    private void clear() throws Exception {
        try (Client client = Client.builder().endpoints(etcd).build()) {
            client.getKVClient().delete(bytes("/calico"), DeleteOption.builder().isPrefix(true).build())
                    .get(60, TimeUnit.SECONDS);
        }
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(etcd + "/v2/keys/calico?recursive=true"))
                .DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String seedAddress(int i) {
        return "172." + (16 + i / 62_500) + "." + (i / 250 % 250) + "." + (i % 250 + 1);
    }

    /** A node as calico-node v3 writes it, with labels that bring it to about 1 KB like a real one. */
    static String calicoNode(String name, String ipv4) {
        StringBuilder labels = new StringBuilder();
        for (int i = 0; labels.length() < 620; i++) {
            labels.append(i == 0 ? "" : ",").append("\"example.com/label-").append(i).append("\":\"value-").append(i)
                    .append('"');
        }
        return "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"" + name
                + "\",\"uid\":\"0d9f1a2c-65a0-11e8-9c4e-fa163e4b2d01\",\"creationTimestamp\":\"2018-06-01T10:00:01Z\","
                + "\"labels\":{" + labels + "}},\"spec\":{\"bgp\":{\"ipv4Address\":\"" + ipv4 + "\"},\"orchRefs\":[{"
                + "\"nodeName\":\"" + name + "\",\"orchestrator\":\"k8s\"}]},\"status\":{}}";
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static void await(List<CompletableFuture<?>> futures) throws Exception {
        for (CompletableFuture<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        futures.clear();
    }

    @Override
    public void close() {
        proxy.close();
        owned.ifPresent(EtcdCluster::close);
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // temp files
        }
    }
}
