package org.calicostartup.etcdv2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.internal.JsonTrees;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.IpClaims;
import org.calicostartup.node.StoredAddresses;

/**
 * Calico 2.6's etcd v2 layout (libcalico-go v1.7 compat layer): the keys and the exact values calico-node 2.6.12
 * writes, so that Felix, BIRD and confd of a running Calico 2.6 cluster keep working beside this library.
 */
final class V2Layout {

    static final String DEFAULT_IPV6_POOL = "fd80:24e2:f998:72d6::/64";
    static final String HOSTS = "/calico/v1/host";
    static final String BGP_HOSTS = "/calico/bgp/v1/host";
    static final String IPAM = "/calico/v1/ipam/";
    static final String CONFIG = "/calico/v1/config";
    static final String READY = "/calico/v1/Ready";
    /** Where calico-node 2.6 records its version (always written, {@code ensureDefaultConfig}). */
    static final String CALICO_VERSION_KEY = CONFIG + "/CalicoVersion";
    static final String BGP_GLOBAL = "/calico/bgp/v1/global";
    static final List<String> BGP_FIELDS = List.of("ip_addr_v4", "network_v4", "ip_addr_v6", "network_v6", "as_num");
    private static final Pattern POOL_KEY = Pattern.compile("^/?calico/v1/ipam/v(.)/pool/([^/]+)$");

    private V2Layout() {
    }

    static String host(String name) {
        return HOSTS + "/" + name;
    }

    static String bgpHost(String name) {
        return BGP_HOSTS + "/" + name;
    }

    static String ipamHost(String name) {
        return "/calico/ipam/v2/host/" + name;
    }

    static String claim(CidrAddress address) {
        return IpClaims.key(address);
    }

    static String claimValue(String nodeName) {
        return IpClaims.value(nodeName);
    }

    static Optional<String> claimHolder(String value) {
        return IpClaims.holder(value);
    }

    /** Pool key: the CIDR with its first {@code /} replaced by {@code -}. */
    static String poolKey(CidrAddress cidr) {
        return "/calico/v1/ipam/v" + cidr.family().version() + "/pool/" + cidr.network().toString().replaceFirst("/", "-");
    }

    /** The families that have at least one pool, from the keys of the recursive GET of /calico/v1/ipam/. */
    static java.util.Set<IpFamily> poolFamilies(java.util.Collection<String> ipamKeys) {
        java.util.Set<IpFamily> families = java.util.EnumSet.noneOf(IpFamily.class);
        ipamKeys.forEach(key -> poolFamily(key).ifPresent(families::add));
        return families;
    }

    /** The CIDR of a default pool: configured, else Calico 2.6's defaults (192.168.0.0/16, fd80:24e2:f998:72d6::/64). */
    static CidrAddress defaultPoolCidr(PoolSettings pool) {
        return pool.cidr().orElse(pool.family() == IpFamily.V4 ? PoolSettings.DEFAULT_IPV4_CIDR
                : CidrAddress.parse(DEFAULT_IPV6_POOL).orElseThrow());
    }

    /** The family of a key under /calico/v1/ipam/ that is a pool. */
    static Optional<IpFamily> poolFamily(String key) {
        Matcher matcher = POOL_KEY.matcher(key);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(1).equals("6") ? IpFamily.V6 : IpFamily.V4);
    }

    /** {@code {"cidr":…,"ipip":…,"ipip_mode":…,"masquerade":…,"ipam":true,"disabled":false}}, fields in this order. */
    static String poolValue(CidrAddress cidr, PoolSettings pool) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("cidr", cidr.network().toString());
        boolean ipip = pool.family() == IpFamily.V4 && pool.ipipMode() != EncapsulationMode.NEVER;
        json.put("ipip", ipip ? "tunl0" : "");
        json.put("ipip_mode", !ipip ? "" : pool.ipipMode() == EncapsulationMode.ALWAYS ? "always" : "cross-subnet");
        json.put("masquerade", pool.natOutgoing());
        json.put("ipam", true);
        json.put("disabled", false);
        return JsonTrees.string(json);
    }

    static String orchestratorRefs(String k8sNodeName) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return JsonTrees.string(nodes.arrayNode().add(nodes.objectNode().put("orchestrator", "k8s")
                .put("nodeName", k8sNodeName)));
    }

    static String clusterGuid() {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        random[6] = (byte) ((random[6] & 0x0f) | 0x40);
        random[8] = (byte) ((random[8] & 0x3f) | 0x80);
        return HexFormat.of().formatHex(random);
    }

    /**
     * calico-node 2.6's {@code Nodes().Apply}: eight writes in this order, each an upsert or a delete (a.6).
     * Deletes of absent keys are harmless (404 is ignored).
     */
    static List<Request> nodeWrites(String name, StoredAddresses addresses, OptionalLong asNumber,
            Optional<String> k8sNodeRef) {
        List<Request> writes = new ArrayList<>();
        String host = host(name);
        String bgp = bgpHost(name);
        writes.add(Request.put(host + "/metadata", "{}", Map.of()));
        writes.add(Request.put(bgp + "/ip_addr_v4", addresses.ipv4().map(CidrAddress::ip).orElse(""), Map.of()));
        writes.add(Request.put(bgp + "/ip_addr_v6", addresses.ipv6().map(CidrAddress::ip).orElse(""), Map.of()));
        writes.add(addresses.ipv4().map(a -> Request.put(host + "/bird_ip", a.ip(), Map.of()))
                .orElse(Request.delete(host + "/bird_ip", Map.of())));
        writes.add(asNumber.isPresent() ? Request.put(bgp + "/as_num", Long.toString(asNumber.getAsLong()), Map.of())
                : Request.delete(bgp + "/as_num", Map.of("recursive", "true")));
        writes.add(addresses.ipv4().map(a -> Request.put(bgp + "/network_v4", a.network().toString(), Map.of()))
                .orElse(Request.delete(bgp + "/network_v4", Map.of())));
        writes.add(addresses.ipv6().map(a -> Request.put(bgp + "/network_v6", a.network().toString(), Map.of()))
                .orElse(Request.delete(bgp + "/network_v6", Map.of())));
        k8sNodeRef.ifPresent(ref -> writes.add(Request.put(host + "/orchestrator_refs", orchestratorRefs(ref),
                Map.of())));
        return writes;
    }

    /** The 6 directories {@code ensureDefaultConfig} creates (exists is fine). */
    static List<Request> directories(String name) {
        return List.of(Request.createDir("/calico/v1/ipam/v4/pool"), Request.createDir("/calico/v1/ipam/v6/pool"),
                Request.createDir(BGP_GLOBAL + "/custom_filters/v4"), Request.createDir(BGP_GLOBAL + "/custom_filters/v6"),
                Request.createDir(ipamHost(name) + "/ipv4/block"), Request.createDir(ipamHost(name) + "/ipv6/block"));
    }

    /** Global and per-host defaults written when absent (a.8), in calico-node's order, without CalicoVersion. */
    static LinkedHashMap<String, String> defaults(String name) {
        LinkedHashMap<String, String> defaults = new LinkedHashMap<>();
        defaults.put(CONFIG + "/ReportingIntervalSecs", "0");
        defaults.put(CONFIG + "/LogSeverityScreen", "info");
        defaults.put(host(name) + "/config/DefaultEndpointToHostAction", "RETURN");
        return defaults;
    }

    static LinkedHashMap<String, String> bgpDefaults() {
        LinkedHashMap<String, String> defaults = new LinkedHashMap<>();
        defaults.put(BGP_GLOBAL + "/node_mesh", "{\"enabled\":true}");
        defaults.put(BGP_GLOBAL + "/as_num", "64512");
        defaults.put(BGP_GLOBAL + "/loglevel", "info");
        return defaults;
    }

    /** {@code existing} with the missing items of {@code wanted} appended (comma list); empty if nothing is missing. */
    static Optional<String> mergeClusterType(String existing, List<String> wanted) {
        // updateClusterType (calico_node/startup/startup.go@v2.6.12): an empty stored value takes CLUSTER_TYPE as it
        // is; else each of its items not yet in the list (as split, untrimmed; the list grows as it goes) is appended.
        if (existing.isEmpty()) {
            return wanted.isEmpty() ? Optional.empty() : Optional.of(String.join(",", wanted));
        }
        List<String> types = new ArrayList<>(List.of(existing.split(",", -1)));
        boolean changed = false;
        for (String t : wanted) {
            if (!types.contains(t)) {
                types.add(t);
                changed = true;
            }
        }
        return changed ? Optional.of(String.join(",", types)) : Optional.empty();
    }

    /** A node's fields from {@code /calico/bgp/v1/host/<n>}: address = network with its IP replaced (a.2). */
    static StoredAddresses addresses(Map<String, String> bgp) throws MalformedException {
        return new StoredAddresses(address(bgp, IpFamily.V4), address(bgp, IpFamily.V6));
    }

    private static Optional<CidrAddress> address(Map<String, String> bgp, IpFamily family) throws MalformedException {
        String v = family == IpFamily.V4 ? "v4" : "v6";
        String ip = bgp.getOrDefault("ip_addr_" + v, "");
        if (ip.isEmpty()) {
            return Optional.empty();
        }
        CidrAddress host = CidrAddress.parse(ip).filter(a -> a.family() == family && !ip.contains("/"))
                .orElseThrow(() -> new MalformedException("ip_addr_" + v + " \"" + ip + "\" is not an " + family
                        + " address"));
        String network = bgp.getOrDefault("network_" + v, "");
        if (network.isEmpty()) {
            return Optional.of(host);
        }
        CidrAddress parsed = CidrAddress.parse(network).filter(a -> a.family() == family && network.contains("/"))
                .orElseThrow(() -> new MalformedException("network_" + v + " \"" + network + "\" is not an "
                        + family + " network"));
        return Optional.of(new CidrAddress(host.address(), parsed.prefixLength()));
    }

    static OptionalLong asNumber(Map<String, String> bgp) {
        String as = bgp.getOrDefault("as_num", "");
        return as.matches("[0-9]{1,10}") && Long.parseLong(as) <= 0xFFFF_FFFFL ? OptionalLong.of(Long.parseLong(as))
                : OptionalLong.empty();
    }

    /** Leaf values directly below a v2 directory node, by last path segment. */
    static Map<String, String> leaves(JsonNode dir) {
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode child : dir.path("nodes")) {
            if (!child.path("dir").asBoolean(false)) {
                String key = child.path("key").asText();
                values.put(key.substring(key.lastIndexOf('/') + 1), child.path("value").asText(""));
            }
        }
        return values;
    }

    /** Stored data that cannot be read as what it should be. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }
}
