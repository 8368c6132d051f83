package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.etcdv3.V3Snapshot.Stored;
import org.calicostartup.node.Candidates;
import org.calicostartup.spi.Deadline;
import org.calicostartup.spi.IoStats;
import org.calicostartup.spi.PhaseTimer;
import org.calicostartup.spi.StartupContext;

/**
 * Random values where Calico data should be — this node, its neighbours, pools, ClusterInformation, Felix
 * configuration, claims: the planner either plans or fails with the library's own exception; nothing else.
 */
class StoredDataPropertyTest {

    @Property(tries = 1500)
    void anyStoredDataIsPlannedOrRefusedWithAMessage(@ForAll("values") String own, @ForAll("values") String neighbour,
            @ForAll("values") String pool, @ForAll("values") String info, @ForAll("values") String felix,
            @ForAll("values") String claim) {
        V3Snapshot snapshot = new V3Snapshot(7, Optional.of(stored(V3Keys.node("node-a"), own)),
                Map.of(V3Keys.CLAIMS + "ipv4/10.0.0.11", stored(V3Keys.CLAIMS + "ipv4/10.0.0.11", claim)),
                List.of(stored(V3Keys.pool("p"), pool)), Optional.of(stored(V3Keys.CLUSTER_INFORMATION, info)),
                Optional.of(stored(V3Keys.FELIX_DEFAULT, felix)), Optional.empty(),
                Optional.of(new ArrayList<>(List.of(stored(V3Keys.node("node-b"), neighbour),
                        stored(V3Keys.node("node-a"), own)))));
        try {
            assertNotNull(new V3Planner(context()).plan(snapshot));
        } catch (StartupException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    /**
     * The conflict check reads listed nodes with a streaming parser (V3NodeAddresses); it must accept, refuse and
     * read exactly what the tree reader does, for any value.
     */
    @Property(tries = 3000)
    void listedNodesAreReadAsTheTreeReaderReadsThem(@ForAll("nodeValues") String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Optional<org.calicostartup.node.StoredAddresses> tree;
        try {
            tree = Optional.of(V3Resources.addresses(V3Resources.parse(bytes, "Node")));
        } catch (V3Resources.MalformedException e) {
            tree = Optional.empty();
        }
        Optional<org.calicostartup.node.StoredAddresses> streamed;
        try {
            streamed = Optional.of(V3NodeAddresses.read(bytes));
        } catch (V3Resources.MalformedException e) {
            streamed = Optional.empty();
        }
        assertEquals(tree, streamed, value);
    }

    @Provide
    Arbitrary<String> nodeValues() {
        Arbitrary<String> part = Arbitraries.of("\"kind\":\"Node\"", "\"kind\":\"IPPool\"", "\"kind\":7",
                "\"kind\":{}", "\"kind\":null", "\"spec\":null", "\"spec\":[]", "\"spec\":{}", "\"spec\":\"x\"",
                "\"spec\":{\"bgp\":null}", "\"spec\":{\"bgp\":[1]}", "\"spec\":{\"bgp\":{}}",
                "\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.11/24\"}}",
                "\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.11/24\"},\"bgp\":{\"ipv6Address\":\"fd00::1/64\"}}",
                "\"spec\":{\"bgp\":{\"ipv4Address\":\"\",\"ipv6Address\":null}}",
                "\"spec\":{\"bgp\":{\"ipv4Address\":\"fd00::1\"}}", "\"spec\":{\"bgp\":{\"ipv6Address\":[\"x\"]}}",
                "\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.300\"}}", "\"metadata\":{\"name\":\"n\",\"x\":[{}]}",
                "\"spec\":{\"orchRefs\":[{\"bgp\":{\"ipv4Address\":7}}],\"bgp\":{\"ipv4Address\":\"10.0.0.12\"}}",
                "\"status\":{\"spec\":{}}");
        Arbitrary<String> object = part.list().ofMaxSize(4).map(parts -> "{" + String.join(",", parts) + "}");
        Arbitrary<String> suffix = Arbitraries.of("", " ", "}", " trailing", ",", "{\"a\":");
        return Arbitraries.oneOf(values(), Arbitraries.strings().all().ofMaxLength(40),
                net.jqwik.api.Combinators.combine(object, suffix).as((o, x) -> o + x),
                object.map(o -> o.substring(0, Math.max(1, o.length() / 2))));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.of("{}", "[]", "null", "1", "\"x\"", "{\"kind\":\"Node\"}", "{\"spec\":[]}",
                        "{\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.11/24\"}}}",
                        "{\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.300/24\"}}}",
                        "{\"spec\":{\"bgp\":{\"ipv4Address\":42,\"ipv6Address\":{}}}}", "{\"spec\":{\"bgp\":[]}}",
                        "{\"metadata\":7,\"spec\":{\"bgp\":{}}}", "{\"spec\":{\"cidr\":\"nope\"}}",
                        "{\"spec\":{\"clusterType\":5,\"clusterGUID\":null}}", "{\"node\":\"node-b\"}",
                        "{\"node\":7}", "{\"kind\":\"Node\",\"spec\":{\"bgp\":{\"ipv4Address\":\"10.0.0.11"),
                Arbitraries.strings().withChars("{}[]\":,0123456789.abcdefghijklmnopqrstuvwxyz/").ofMaxLength(80));
    }

    private static Stored stored(String key, String value) {
        return new Stored(key, value.getBytes(StandardCharsets.UTF_8), 5);
    }

    private static StartupContext context() {
        StartupConfig config = StartupConfig.fromEnvironment(Map.of("ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "NODENAME", "node-a", "IP", "autodetect", "CALICO_NODENAME_FILE", "/nonexistent/nodename",
                "CLUSTER_TYPE", "k8s,bgp", "CALICO_IPV4POOL_IPIP", "Always"), new NodeNameResolver(() -> "x"));
        IpAutodetector detector = new IpAutodetector(() -> List.of(HostInterface.of("eth0", "10.0.0.11/24")),
                d -> {
                    throw new java.io.IOException("none");
                });
        return new StartupContext(config, StartupMode.FAST, Candidates.find(config.node(), detector,
                config.profileBeforeReading()), detector, true, Clock.systemUTC(),
                Deadline.after(java.time.Duration.ofSeconds(10)), new IoStats(), new PhaseTimer(),
                config.profileBeforeReading(), () -> { });
    }
}
