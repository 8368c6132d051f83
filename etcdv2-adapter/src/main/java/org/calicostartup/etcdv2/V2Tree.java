package org.calicostartup.etcdv2;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.etcdv2.EtcdV2Client.Response;

/** Helpers to read v2 responses: children of a listing, leaves of a recursive tree. */
final class V2Tree {

    private V2Tree() {
    }

    /** Last path segments of the direct children of a directory listing (empty when it does not exist). */
    static List<String> children(Response response) {
        List<String> names = new ArrayList<>();
        response.node().ifPresent(node -> node.path("nodes").forEach(child -> names.add(last(child.path("key")
                .asText()))));
        return names;
    }

    /** Every leaf of a recursive GET, by full key. */
    static Map<String, Leaf> leaves(Response response) {
        Map<String, Leaf> leaves = new LinkedHashMap<>();
        response.node().ifPresent(node -> collect(node, leaves));
        return leaves;
    }

    /** Every directory of a recursive GET (the root included), by full key. */
    static java.util.Set<String> directories(Response response) {
        java.util.Set<String> dirs = new java.util.HashSet<>();
        response.node().ifPresent(node -> collectDirectories(node, dirs));
        return dirs;
    }

    private static void collectDirectories(JsonNode node, java.util.Set<String> dirs) {
        if (node.path("dir").asBoolean(false)) {
            dirs.add(node.path("key").asText());
            node.path("nodes").forEach(child -> collectDirectories(child, dirs));
        }
    }

    /** For {@code /calico/bgp/v1/host}: host name → its BGP fields. */
    static Map<String, Map<String, String>> hosts(Response response) {
        Map<String, Map<String, String>> hosts = new LinkedHashMap<>();
        response.node().ifPresent(node -> node.path("nodes").forEach(host -> {
            if (host.path("dir").asBoolean(false)) {
                hosts.put(last(host.path("key").asText()), V2Layout.leaves(host));
            }
        }));
        return hosts;
    }

    static Optional<Leaf> value(Response response) {
        return response.node().filter(n -> !n.path("dir").asBoolean(false))
                .map(n -> new Leaf(n.path("value").asText(""), n.path("modifiedIndex").asLong(), ttl(n)));
    }

    private static void collect(JsonNode node, Map<String, Leaf> leaves) {
        if (node.path("dir").asBoolean(false)) {
            node.path("nodes").forEach(child -> collect(child, leaves));
        } else {
            leaves.put(node.path("key").asText(), new Leaf(node.path("value").asText(""),
                    node.path("modifiedIndex").asLong(), ttl(node)));
        }
    }

    /** The seconds a key has left to live, or -1 when it never expires. */
    private static long ttl(JsonNode node) {
        return node.has("ttl") ? node.path("ttl").asLong(-1) : -1;
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** A key's value, modifiedIndex (for compare-and-swap) and seconds left to live (-1: never expires). */
    record Leaf(String value, long modifiedIndex, long ttlSeconds) {
        boolean expiring() {
            return ttlSeconds >= 0;
        }
    }
}
