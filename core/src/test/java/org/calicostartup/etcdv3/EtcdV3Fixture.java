package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

/**
 * Test access to a real etcd: seeding data exactly as Calico stores it, reading it back, and running startups with
 * made-up host interfaces. Every call has a deadline.
 */
final class EtcdV3Fixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 30;

    private final EtcdCluster etcd;
    private final Path tmp;
    private final Client client;
    private final KV kv;
    /** Put into every environment {@link #env} builds, before the test's own variables. */
    private final Map<String, String> common = new HashMap<>();

    EtcdV3Fixture(EtcdCluster etcd, Path tmp) {
        this.etcd = etcd;
        this.tmp = tmp;
        var builder = Client.builder().endpoints(etcd.clientUris().toArray(new java.net.URI[0]))
                .maxInboundMessageSize(256 * 1024 * 1024);
        etcd.tls().ifPresent(t -> {
            try {
                builder.sslContext(io.grpc.netty.GrpcSslContexts.forClient().trustManager(t.caCertFile().toFile())
                        .keyManager(t.clientCertFile().toFile(), t.clientKeyFile().toFile()).build())
                        .authority("127.0.0.1");
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        });
        this.client = builder.build();
        this.kv = client.getKVClient();
    }

    /** A host with loopback and one NIC holding {@code addresses}. */
    static InterfaceSource host(String... addresses) {
        return () -> List.of(HostInterface.of("lo", "127.0.0.1/8", "::1/128"), HostInterface.of("eth0", addresses));
    }

    /** calico-node environment for this etcd, node {@code name}, IPv6 pools off unless asked, plus extras. */
    /**
     * Gives every environment {@link #env} builds from now on {@code name=value} (a test can still override it):
     * settings a whole test class runs with, such as the claims cover's.
     */
    EtcdV3Fixture setEnv(String name, String value) {
        common.put(name, value);
        return this;
    }

    /** Takes back every {@link #setEnv}. */
    void clearEnv() {
        common.clear();
    }

    Map<String, String> env(String name, String... extra) {
        Map<String, String> env = new HashMap<>(etcd.environment());
        env.put("NODENAME", name);
        env.put("CALICO_NODENAME_FILE", tmp.resolve(name + ".nodename").toString());
        env.put("CALICO_STARTUP_ENV_FILE", tmp.resolve(name + ".startup.env").toString());
        env.put("FELIX_IPV6SUPPORT", "false");
        env.put("IP", "autodetect");
        env.putAll(common);
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    StartupReport start(Map<String, String> env, InterfaceSource host) {
        return start(env, host, StartupMode.FAST);
    }

    StartupReport start(Map<String, String> env, InterfaceSource host, StartupMode mode) {
        return start(env, host, mode, new NodeNameResolver(() -> "unused"));
    }

    /** With the node name resolved by {@code names} (an OS host name, a default nodename file of the test's). */
    StartupReport start(Map<String, String> env, InterfaceSource host, StartupMode mode, NodeNameResolver names) {
        StartupConfig config = StartupConfig.fromEnvironment(env, names);
        return NodeStartup.builder(config).interfaces(host).reachProbe(d -> {
            throw new java.io.IOException("no routes in tests");
        }).mode(mode).build().run();
    }

    /**
     * Starts node {@code name} with {@code IP=cidr} on a host that has that address: it must be refused for an IP
     * conflict naming {@code holder}, and write no node of its own.
     */
    void assertConflict(String name, String cidr, String holder) {
        org.calicostartup.StartupException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.calicostartup.StartupException.class, () -> start(env(name, "IP", cidr), host(cidr)));
        org.junit.jupiter.api.Assertions.assertEquals(org.calicostartup.StartupException.Reason.IP_CONFLICT,
                e.reason(), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(holder), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(get(V3Keys.node(name)).isEmpty(), name + " was written");
    }

    /**
     * Seeds {@code count} nodes without claims, then registers node-b0, node-b1, … (10.0.1.x) until their back-fills
     * let one of them create the claims cover (V3Cover; the minimum cluster size must allow it).
     */
    void seedNodesUntilCovered(int count) {
        seedNodes(count, 400);
        for (int i = 0; i <= count / V3Cover.BACKFILL + 2 && get(V3Keys.CLAIMS_COVER).isEmpty(); i++) {
            start(env("node-b" + i, "IP", "10.0.1." + (i + 1) + "/24"), host("10.0.1." + (i + 1) + "/24"));
        }
        org.junit.jupiter.api.Assertions.assertTrue(get(V3Keys.CLAIMS_COVER).isPresent(),
                "created once every node was claimed");
    }

    // ------------------------------------------------------------------------------------------------ data

    void put(String key, String value) {
        await(kv.put(bytes(key), bytes(value)));
    }

    void delete(String key) {
        await(kv.delete(bytes(key)));
    }

    /**
     * The raft proposals the first member has committed so far (etcd's own metric,
     * {@code etcd_server_proposals_committed_total}): a write is one, a read-only request none.
     */
    long proposalsCommitted() {
        java.net.URI metrics = etcd.member(0).clientUri().resolve("/metrics");
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(metrics)
                    .timeout(java.time.Duration.ofSeconds(TIMEOUT_SECONDS)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.body().lines().filter(line -> line.startsWith("etcd_server_proposals_committed_total "))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no proposal count at " + metrics));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Compacts etcd up to its current revision: no watch can start before it any more. */
    void compactToHead() {
        await(kv.compact(await(kv.get(bytes("/"))).getHeader().getRevision()));
    }

    /** A node as calico-node (or any claim-less writer) stores it: its key, ~400 bytes of value, no IP claim. */
    void putCalicoNode(String name, String ipv4) {
        put(V3Keys.node(name), calicoNode(name, ipv4, 400));
    }

    void putJson(String key, JsonNode value) {
        put(key, value.toString());
    }

    Optional<String> get(String key) {
        return await(kv.get(bytes(key))).getKvs().stream().findFirst()
                .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    }

    JsonNode json(String key) {
        try {
            return JSON.readTree(get(key).orElseThrow(() -> new AssertionError("no key " + key)));
        } catch (java.io.IOException e) {
            throw new AssertionError(key + " is not JSON", e);
        }
    }

    long modRevision(String key) {
        return await(kv.get(bytes(key))).getKvs().stream().findFirst().map(KeyValue::getModRevision).orElse(0L);
    }

    /** Every key under /calico with its value, sorted: a picture of the whole datastore. */
    TreeMap<String, String> dump() {
        TreeMap<String, String> all = new TreeMap<>();
        for (KeyValue kv : await(kv.get(bytes("/calico"), GetOption.builder().isPrefix(true).build())).getKvs()) {
            all.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return all;
    }

    void clear() {
        await(kv.delete(bytes("/calico"), DeleteOption.builder().isPrefix(true).build()));
    }

    /** Writes {@code count} Calico v3 nodes of about {@code bytesEach} bytes, 256 requests in flight at a time. */
    void seedNodes(int count, int bytesEach) {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "seed-" + i;
            String value = calicoNode(name, "172.16." + (i / 250) + "." + (i % 250 + 1) + "/16", bytesEach);
            inFlight.add(kv.put(bytes(V3Keys.node(name)), bytes(value)));
            if (inFlight.size() == 256) {
                inFlight.forEach(EtcdV3Fixture::await);
                inFlight.clear();
            }
        }
        inFlight.forEach(EtcdV3Fixture::await);
    }

    /** A node as calico-node v3 writes it, padded with labels to about {@code bytes} bytes. */
    static String calicoNode(String name, String ipv4, int bytes) {
        StringBuilder labels = new StringBuilder();
        int i = 0;
        String base = "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\",\"metadata\":{\"name\":\"" + name
                + "\",\"uid\":\"0d9f1a2c-65a0-11e8-9c4e-fa163e4b2d01\",\"creationTimestamp\":\"2018-06-01T10:00:01Z\","
                + "\"labels\":{";
        while (base.length() + labels.length() < bytes - 200) {
            labels.append(i == 0 ? "" : ",").append("\"example.com/label-").append(i).append("\":\"value-")
                    .append(i).append("\"");
            i++;
        }
        return base + labels + "}},\"spec\":{\"bgp\":{\"ipv4Address\":\"" + ipv4 + "\"},\"orchRefs\":[{\"nodeName\":\""
                + name + "\",\"orchestrator\":\"k8s\"}]},\"status\":{}}";
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("etcd call failed", e);
        }
    }

    Client client() {
        return client;
    }

    /**
     * Turns etcd auth on: a root user, a role {@code calico} with read and write on {@code /calico/} only, and
     * {@code user} with that role. This fixture's own client is not authenticated: read through it before.
     */
    void enableAuth(String user, String password) {
        io.etcd.jetcd.Auth auth = client.getAuthClient();
        await(auth.userAdd(bytes("root"), bytes("root-pw")));
        await(auth.userGrantRole(bytes("root"), bytes("root")));
        await(auth.roleAdd(bytes("calico")));
        await(auth.roleGrantPermission(bytes("calico"), bytes("/calico/"), bytes("/calico0"),
                io.etcd.jetcd.auth.Permission.Type.READWRITE));
        await(auth.userAdd(bytes(user), bytes(password)));
        await(auth.userGrantRole(bytes(user), bytes("calico")));
        await(auth.authEnable());
    }

    @Override
    public void close() {
        client.close();
    }
}
