package org.calicostartup.etcdv2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupMode;
import org.calicostartup.StartupReport;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.testing.EtcdCluster;

/** Seeds and dumps etcd's v2 keyspace exactly as Calico 2.6 stores it, and runs startups. */
final class EtcdV2Fixture {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Directory entries in {@link #dump()} carry this value. */
    static final String DIR = "<dir>";

    private final EtcdCluster etcd;
    private final Path tmp;
    private final HttpClient http;
    private final URI base;

    EtcdV2Fixture(EtcdCluster etcd, Path tmp) {
        this.etcd = etcd;
        this.tmp = tmp;
        this.http = etcd.httpClient();
        this.base = etcd.member(etcd.members().size() - 1).clientUri();
    }

    static InterfaceSource host(String... addresses) {
        return () -> List.of(HostInterface.of("lo", "127.0.0.1/8", "::1/128"), HostInterface.of("eth0", addresses));
    }

    Map<String, String> env(String name, String... extra) {
        Map<String, String> env = new HashMap<>(etcd.environment());
        env.put("DATASTORE_TYPE", "etcdv2");
        env.put("NODENAME", name);
        env.put("CALICO_NODENAME_FILE", tmp.resolve(name + ".nodename").toString());
        env.put("CALICO_STARTUP_ENV_FILE", tmp.resolve(name + ".startup.env").toString());
        env.put("FELIX_IPV6SUPPORT", "false");
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    StartupReport start(Map<String, String> env, InterfaceSource host, StartupMode mode) {
        StartupConfig config = StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "unused"));
        return NodeStartup.builder(config).interfaces(host).reachProbe(d -> {
            throw new IOException("no routes in tests");
        }).mode(mode).build().run();
    }

    /** A host as calico-node 2.6 registers it (metadata, bird_ip, BGP keys). */
    void seedHost(String name, String ipv4, String network) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        writes.add(putAsync(V2Layout.host(name) + "/metadata", "{}"));
        writes.add(putAsync(V2Layout.host(name) + "/bird_ip", ipv4));
        writes.add(putAsync(V2Layout.bgpHost(name) + "/ip_addr_v4", ipv4));
        writes.add(putAsync(V2Layout.bgpHost(name) + "/ip_addr_v6", ""));
        writes.add(putAsync(V2Layout.bgpHost(name) + "/network_v4", network));
        writes.forEach(EtcdV2Fixture::await);
    }

    /** {@code count} hosts with addresses in 172.16.0.0/16, 64 requests in flight. */
    void seedHosts(int count) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "seed-" + i;
            String ip = "172.16." + (i / 250) + "." + (i % 250 + 1);
            writes.add(putAsync(V2Layout.host(name) + "/metadata", "{}"));
            writes.add(putAsync(V2Layout.bgpHost(name) + "/ip_addr_v4", ip));
            writes.add(putAsync(V2Layout.bgpHost(name) + "/ip_addr_v6", ""));
            writes.add(putAsync(V2Layout.bgpHost(name) + "/network_v4", "172.16.0.0/16"));
            if (writes.size() >= 64) {
                writes.forEach(EtcdV2Fixture::await);
                writes.clear();
            }
        }
        writes.forEach(EtcdV2Fixture::await);
    }

    void put(String key, String value) {
        await(putAsync(key, value));
    }

    private CompletableFuture<HttpResponse<String>> putAsync(String key, String value) {
        return http.sendAsync(HttpRequest.newBuilder(base.resolve("/v2/keys" + key)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("value=" + URLEncoder.encode(value, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The raw v2 answer for one key (TTL and indexes included). */
    String getRaw(String key) {
        return await(http.sendAsync(HttpRequest.newBuilder(base.resolve("/v2/keys" + key + "?quorum=true"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString())).body();
    }

    /** Every key under /calico (directories as {@link #DIR}), sorted. */
    TreeMap<String, String> dump() {
        TreeMap<String, String> all = new TreeMap<>();
        HttpResponse<String> response = await(http.sendAsync(HttpRequest.newBuilder(
                base.resolve("/v2/keys/calico?recursive=true&quorum=true")).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString()));
        try {
            JsonNode node = JSON.readTree(response.body()).path("node");
            if (!node.isMissingNode()) {
                collect(node, all);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return all;
    }

    void clear() {
        await(http.sendAsync(HttpRequest.newBuilder(base.resolve("/v2/keys/calico?recursive=true&dir=true"))
                .timeout(Duration.ofSeconds(10)).DELETE().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static void collect(JsonNode node, TreeMap<String, String> all) {
        if (node.path("dir").asBoolean(false)) {
            all.put(node.path("key").asText(), DIR);
            node.path("nodes").forEach(child -> collect(child, all));
        } else {
            all.put(node.path("key").asText(), node.path("value").asText());
        }
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("etcd call failed", e);
        }
    }

    /** One call of etcd's v2 auth API ({@code /v2/auth/...}), asserted to succeed. */
    static void v2auth(EtcdCluster cluster, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(cluster.member(0).clientUri().resolve(path))
                .timeout(Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = cluster.httpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
        }
    }
}
