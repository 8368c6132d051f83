package org.calicostartup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.calicostartup.config.NodeNameResolver;
import org.calicostartup.config.StartupConfig;

/**
 * Random environment values: the only outcomes are a configuration or the library's own exception, with a message
 * that names the variable — never another exception, never a silent default for a value that makes no sense.
 */
class RandomInputPropertyTest {

    private static final List<String> VARIABLES = List.of("DATASTORE_TYPE", "ETCD_ENDPOINTS", "CALICO_ETCD_ENDPOINTS",
            "ETCD_SCHEME", "ETCD_AUTHORITY", "ETCD_USERNAME", "ETCD_PASSWORD", "ETCD_CA_CERT_FILE", "ETCD_CERT_FILE",
            "ETCD_KEY_FILE", "NODENAME", "HOSTNAME", "IP", "IP6", "IP_AUTODETECTION_METHOD",
            "IP6_AUTODETECTION_METHOD", "AS", "DISABLE_NODE_IP_CHECK", "CALICO_NETWORKING_BACKEND",
            "CALICO_IPV4POOL_CIDR", "CALICO_IPV6POOL_CIDR", "CALICO_IPV4POOL_IPIP", "CALICO_IPV4POOL_VXLAN",
            "CALICO_IPV6POOL_VXLAN", "CALICO_IPV4POOL_NAT_OUTGOING", "CALICO_IPV6POOL_NAT_OUTGOING",
            "CALICO_IPV4POOL_BLOCK_SIZE", "CALICO_IPV6POOL_BLOCK_SIZE", "CALICO_IPV4POOL_NODE_SELECTOR",
            "NO_DEFAULT_POOLS", "FELIX_IPV6SUPPORT", "CALICO_K8S_NODE_REF", "CLUSTER_TYPE", "WAIT_FOR_DATASTORE",
            "CALICO_STARTUP_LOGLEVEL", "AUTODETECT_POLL_INTERVAL", "CALICO_STARTUP_TIMEOUT",
            "CALICO_STARTUP_REQUEST_TIMEOUT", "CALICO_NODENAME_FILE");

    @Property(tries = 2000)
    void anyEnvironmentIsAConfigurationOrANamedConfigurationError(@ForAll("environments") Map<String, String> env) {
        try {
            StartupConfig config = StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "host-a"));
            assertFalse(config.node().name().value().isEmpty());
        } catch (StartupException e) {
            assertEquals(StartupException.Reason.CONFIGURATION, e.reason(), e.getMessage());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
        }
    }

    @Provide
    Arbitrary<Map<String, String>> environments() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars("0123456789./:-abcdefx,= ").ofMaxLength(30),
                Arbitraries.of("", "true", "false", "autodetect", "none", "10.0.0.1/24", "fd00::1/64",
                        "http://127.0.0.1:2379", "https://127.0.0.1:2379", "etcdv2", "etcdv3", "kubernetes",
                        "first-found", "interface=eth.*", "can-reach=8.8.8.8", "cidr=10.0.0.0/8", "64512", "1.10",
                        "Always", "CrossSubnet", "26", "122", "all()", "10s", "0", "node-a", "../x", "/etc/passwd"));
        return Arbitraries.maps(Arbitraries.of(VARIABLES), values).ofMaxSize(12).map(map -> {
            Map<String, String> env = new HashMap<>(map);
            env.putIfAbsent("CALICO_NODENAME_FILE", "/nonexistent/calico-startup/nodename");
            return env;
        });
    }
}
