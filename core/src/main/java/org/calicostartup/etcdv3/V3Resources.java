package org.calicostartup.etcdv3;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.internal.JsonTrees;
import org.calicostartup.internal.Timestamps;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.NodeInterfaces;
import org.calicostartup.node.StoredAddresses;
import org.calicostartup.profile.ReleaseProfile;

/**
 * Calico v3 resources as JSON, with the field names and order of Calico's Go structs. Stored resources are kept as
 * trees, so that on update every field this library does not own — labels, annotations, other spec fields,
 * {@code status}, fields newer than this code — is written back exactly as it was.
 */
final class V3Resources {

    /** Go's nesting limit, reading and writing ({@link JsonTrees#GO}). */
    static final JsonFactory JSON = JsonTrees.GO;
    static final String API_VERSION = "projectcalico.org/v3";
    static final String DEFAULT_IPV4_POOL = "default-ipv4-ippool";
    static final String DEFAULT_IPV6_POOL = "default-ipv6-ippool";
    /** The kernel's random number generator, which Go's crypto/rand reads too (through getrandom(2) where it can). */
    private static final Path URANDOM = Path.of("/dev/urandom");

    private V3Resources() {
    }

    /** The fallback where there is no /dev/urandom: made when first needed. */
    private static final class FallbackRandom {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    /** Stored data that cannot be read as the resource it should be. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    static byte[] bytes(JsonNode json) {
        return JsonTrees.bytes(JSON, json);
    }

    /** Parses a stored value as a JSON object of the given kind (a missing kind is tolerated). */
    static ObjectNode parse(byte[] value, String kind) throws MalformedException {
        JsonNode json;
        try {
            // Decoded as Go's decoder does: an invalid UTF-8 byte becomes U+FFFD instead of failing the value.
            json = JsonTrees.read(JSON, new String(value, java.nio.charset.StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new MalformedException("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (json == null || !json.isObject()) {
            throw new MalformedException("not a JSON object");
        }
        JsonNode storedKind = json.get("kind");
        if (storedKind != null && !storedKind.asText().equals(kind)) {
            throw new MalformedException("kind is " + storedKind + ", expected " + kind);
        }
        JsonNode spec = json.get("spec");
        if (spec != null && !spec.isObject() && !spec.isNull()) {
            throw new MalformedException("spec is not an object");
        }
        return (ObjectNode) json;
    }

    /** A new resource's envelope, as Calico's client creates it: kind, apiVersion, name, uid, creationTimestamp. */
    static ObjectNode newResource(String kind, String name, Clock clock) {
        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        resource.put("kind", kind);
        resource.put("apiVersion", API_VERSION);
        ObjectNode metadata = resource.putObject("metadata");
        metadata.put("name", name);
        metadata.put("uid", randomUuid().toString());
        metadata.put("creationTimestamp", Timestamps.utcSeconds(Instant.now(clock).getEpochSecond()));
        return resource;
    }

    // ------------------------------------------------------------------------------------------------ nodes

    /** A node's stored addresses; an address that is not {@code ip[/prefix]} makes the node malformed. */
    static StoredAddresses addresses(ObjectNode node) throws MalformedException {
        JsonNode bgp = node.path("spec").path("bgp");
        if (bgp.isMissingNode() || bgp.isNull()) {
            return StoredAddresses.NONE;
        }
        if (!bgp.isObject()) {
            throw new MalformedException("spec.bgp is not an object");
        }
        return new StoredAddresses(address(bgp, "ipv4Address", IpFamily.V4), address(bgp, "ipv6Address", IpFamily.V6));
    }

    private static Optional<CidrAddress> address(JsonNode bgp, String field, IpFamily family)
            throws MalformedException {
        JsonNode value = bgp.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new MalformedException("spec.bgp." + field + " is not a string");
        }
        Optional<CidrAddress> parsed = CidrAddress.parse(value.asText()).filter(a -> a.family() == family);
        if (parsed.isEmpty()) {
            throw new MalformedException("spec.bgp." + field + " " + value + " is not an " + family + " address");
        }
        return parsed;
    }

    /**
     * The node to write: {@code stored} (a copy) or a new node, with the addresses, AS number, orchestrator ref and
     * (when the release records them, v3.31+) interfaces this startup owns set, and everything else untouched.
     */
    static ObjectNode node(Optional<ObjectNode> stored, String name, boolean configuresAddresses,
            StoredAddresses addresses, NodeInterfaces interfaces, OptionalLong asNumber, Optional<String> k8sNodeRef,
            Clock clock) {
        ObjectNode node;
        if (stored.isPresent()) {
            node = stored.get().deepCopy();
            node.put("kind", "Node");
            node.put("apiVersion", API_VERSION);
            JsonNode metadata = node.get("metadata");
            if (metadata instanceof ObjectNode m) {
                m.remove("resourceVersion");
                m.remove("selfLink");
            } else {
                node.putObject("metadata").put("name", name);
            }
        } else {
            node = newResource("Node", name, clock);
        }
        ObjectNode spec = node.get("spec") instanceof ObjectNode s ? s : node.putObject("spec");
        if (configuresAddresses) {
            ObjectNode bgp = spec.get("bgp") instanceof ObjectNode b ? b : spec.putObject("bgp");
            asNumber.ifPresent(as -> bgp.put("asNumber", as));
            setOrRemove(bgp, "ipv4Address", addresses.ipv4());
            setOrRemove(bgp, "ipv6Address", addresses.ipv6());
            if (bgp.isEmpty()) {
                // Calico's validator rejects an empty "bgp":{}; a node with no BGP data has no bgp at all.
                spec.remove("bgp");
            }
        }
        k8sNodeRef.ifPresent(ref -> {
            ArrayNode refs = spec.putArray("orchRefs");
            refs.addObject().put("nodeName", ref).put("orchestrator", "k8s");
        });
        if (interfaces.recorded() && interfaces.failure().isEmpty()) {
            if (interfaces.entries().isEmpty()) {
                spec.remove("interfaces");
            } else {
                ArrayNode list = spec.putArray("interfaces");
                for (NodeInterfaces.Entry entry : interfaces.entries()) {
                    ObjectNode item = list.addObject().put("name", entry.name());
                    if (!entry.addresses().isEmpty()) {
                        entry.addresses().forEach(item.putArray("addresses")::add);
                    }
                }
            }
        }
        if (stored.isEmpty()) {
            node.putObject("status");
        }
        return node;
    }

    private static void setOrRemove(ObjectNode bgp, String field, Optional<CidrAddress> address) {
        if (address.isPresent()) {
            bgp.put(field, address.get().toString());
        } else {
            bgp.remove(field);
        }
    }

    /**
     * The node's {@code spec.interfaces} as calico-node reads it: none when absent; empty when it is not a list of
     * {@code {name, addresses}} objects (so that it counts as changed and is rewritten).
     */
    static Optional<List<NodeInterfaces.Entry>> interfaces(ObjectNode node) {
        JsonNode list = node.path("spec").path("interfaces");
        if (list.isMissingNode() || list.isNull()) {
            return Optional.of(List.of());
        }
        if (!list.isArray()) {
            return Optional.empty();
        }
        List<NodeInterfaces.Entry> entries = new java.util.ArrayList<>();
        for (JsonNode item : list) {
            JsonNode addresses = item.path("addresses");
            if (!item.isObject() || !item.path("name").isTextual() && !item.path("name").isMissingNode()
                    || !addresses.isArray() && !addresses.isMissingNode() && !addresses.isNull()) {
                return Optional.empty();
            }
            List<String> ips = new java.util.ArrayList<>();
            for (JsonNode ip : addresses) {
                if (!ip.isTextual()) {
                    return Optional.empty();
                }
                ips.add(ip.asText());
            }
            entries.add(new NodeInterfaces.Entry(item.path("name").asText(""), ips));
        }
        return Optional.of(entries);
    }

    static OptionalLong asNumber(ObjectNode node) {
        JsonNode as = node.path("spec").path("bgp").path("asNumber");
        return as.canConvertToLong() ? OptionalLong.of(as.asLong()) : OptionalLong.empty();
    }

    // ------------------------------------------------------------------------------------------------ pools

    /** The family of a stored pool, from {@code spec.cidr}. */
    static IpFamily poolFamily(ObjectNode pool) throws MalformedException {
        JsonNode cidr = pool.path("spec").path("cidr");
        Optional<CidrAddress> parsed = cidr.isTextual() ? CidrAddress.parse(cidr.asText()) : Optional.empty();
        return parsed.orElseThrow(() -> new MalformedException("spec.cidr " + cidr + " is not a CIDR")).family();
    }

    /**
     * A default pool as {@code createIPPool} builds it (node/pkg/lifecycle/startup/startup.go@v3.22.1, @v3.24.0), from
     * {@code settings} as the release reads them ({@code V3DefaultPools}): the fields its IPPoolSpec has —
     * {@code vxlanMode} from v3.7, {@code blockSize} from v3.3, {@code nodeSelector} from v3.5 — and the client's
     * defaults on create: {@code allowedUses} from v3.21, {@code assignmentMode} from v3.30.
     */
    static ObjectNode pool(String name, PoolSettings settings, CidrAddress cidr, ReleaseProfile profile,
            Clock clock) {
        ObjectNode pool = newResource("IPPool", name, clock);
        ObjectNode spec = pool.putObject("spec");
        spec.put("cidr", cidr.network().toString());
        if (profile.hasVxlanPools()) {
            spec.put("vxlanMode", settings.vxlanMode().calicoName());
        }
        spec.put("ipipMode", settings.ipipMode().calicoName());
        if (settings.natOutgoing()) {
            spec.put("natOutgoing", true);
        }
        if (settings.disableBgpExport()) {
            spec.put("disableBGPExport", true);
        }
        if (profile.poolsHaveBlockSize()) {
            spec.put("blockSize", settings.blockSize());
        }
        if (profile.poolsHaveNodeSelector()) {
            spec.put("nodeSelector", settings.nodeSelector());
        }
        if (profile.poolsHaveAllowedUses()) {
            spec.putArray("allowedUses").add("Workload").add("Tunnel");
        }
        if (profile.poolsHaveAssignmentMode()) {
            spec.put("assignmentMode", "Automatic");
        }
        return pool;
    }

    /** Calico v3.2+'s default IPv6 pool: a random unique local /48 ({@code fdXX:XXXX:XXXX::/48}). */
    static CidrAddress randomUlaPrefix() {
        byte[] bytes = new byte[16];
        bytes[0] = (byte) 0xfd;
        System.arraycopy(randomBytes(5), 0, bytes, 1, 5);
        try {
            return new CidrAddress(java.net.InetAddress.getByAddress(bytes), 48);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ claims

    static byte[] claim(String nodeName) {
        return org.calicostartup.node.IpClaims.value(nodeName).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Optional<String> claimHolder(byte[] value) {
        return org.calicostartup.node.IpClaims.holder(new String(value, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Random bytes for new resources (uids, cluster GUID, the default IPv6 pool), from the kernel's generator as
     * calico-node's come (Go's crypto/rand), else from a SecureRandom. Read straight from /dev/urandom, a startup that
     * creates a node does not set up the JDK's security providers for 16 bytes (~5 ms of a cold start).
     */
    static byte[] randomBytes(int count) {
        return randomBytes(count, URANDOM);
    }

    /** {@link #randomBytes(int)} with the kernel's generator read from {@code device}. */
    static byte[] randomBytes(int count, Path device) {
        try (InputStream kernel = Files.newInputStream(device)) {
            byte[] bytes = kernel.readNBytes(count);
            if (bytes.length == count) {
                return bytes;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No such device here: the JDK's generator below.
        }
        byte[] bytes = new byte[count];
        FallbackRandom.SOURCE.nextBytes(bytes);
        return bytes;
    }

    /** A random (version 4, RFC 4122) UUID, as {@link UUID#randomUUID()} makes one, from {@link #randomBytes}. */
    static UUID randomUuid() {
        byte[] bytes = randomBytes(16);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
