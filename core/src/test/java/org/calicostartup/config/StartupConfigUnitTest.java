package org.calicostartup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.calicostartup.StartupException;
import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.net.CidrAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every variable of calico-node's environment: defaults, parsing rules and the error for each invalid value. */
class StartupConfigUnitTest {

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------------------------------- defaults

    @Test
    void defaultsAreCalicoNodes() {
        StartupConfig config = parse();
        assertEquals(DatastoreType.ETCDV3, config.datastore().type());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), config.datastore().endpoints());
        assertEquals(Optional.empty(), config.datastore().tls());
        assertEquals(Optional.empty(), config.datastore().credentials());
        assertEquals(Duration.ofSeconds(10), config.datastore().requestTimeout());
        NodeSettings node = config.node();
        assertEquals("node-a", node.name().value());
        assertEquals(AddressSetting.KEEP, node.ipv4());
        assertEquals(AddressSetting.KEEP, node.ipv6());
        assertEquals(new AutodetectionMethod.FirstFound(), node.ipv4Method());
        assertEquals(new AutodetectionMethod.FirstFound(), node.ipv6Method());
        assertEquals(OptionalLong.empty(), node.asNumber());
        assertEquals(Optional.empty(), node.k8sNodeRef());
        assertFalse(node.disableNodeIpCheck());
        assertTrue(node.configuresNetworking());
        // Unset: the release's default (192.168.0.0/16, moved off host addresses from v3.14), decided when it runs.
        assertEquals(new PoolSettings(org.calicostartup.net.IpFamily.V4, Optional.empty(),
                EncapsulationMode.NEVER, EncapsulationMode.NEVER, true, 26, "all()"), config.ipv4Pool());
        assertEquals(new PoolSettings(org.calicostartup.net.IpFamily.V6, Optional.empty(), EncapsulationMode.NEVER,
                EncapsulationMode.NEVER, false, 122, "all()"), config.ipv6Pool());
        assertFalse(config.noDefaultPools());
        assertTrue(config.ipv6Supported());
        assertEquals(List.of(), config.clusterType());
        assertFalse(config.waitForDatastore());
        assertEquals(Duration.ofSeconds(50), config.startupTimeout());
        assertEquals("info", config.logLevel());
    }

    @Test
    void defaultNodenameFileIsCalicos() {
        Map<String, String> env = base();
        env.remove("CALICO_NODENAME_FILE");
        assertEquals(Path.of("/var/lib/calico/nodename"),
                StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "os-host")).nodenameFile());
    }

    // ------------------------------------------------------------------------------------------ datastore

    @Test
    void datastoreVariablesPreferTheCalicoPrefix() {
        StartupConfig config = parse("CALICO_ETCD_ENDPOINTS", "http://10.0.0.1:2379", "ETCD_ENDPOINTS",
                "http://10.0.0.2:2379", "CALICO_DATASTORE_TYPE", "etcdv2", "DATASTORE_TYPE", "etcdv3");
        assertEquals(List.of(URI.create("http://10.0.0.1:2379")), config.datastore().endpoints());
        assertEquals(DatastoreType.ETCDV2, config.datastore().type());
    }

    @Test
    void aSetButEmptyPrefixedVariableCountsAsSet() {
        StartupException e = assertThrows(StartupException.class, () -> parse("CALICO_ETCD_ENDPOINTS", "",
                "ETCD_ENDPOINTS", "http://10.0.0.2:2379"));
        assertTrue(e.getMessage().startsWith("ETCD_ENDPOINTS is required with DATASTORE_TYPE=etcdv3"),
                e.getMessage());
    }

    @Test
    void endpointsAreACommaListOfUrls() {
        StartupConfig config = parse("ETCD_ENDPOINTS", " http://10.0.0.1:2379, http://[fd00::2]:2379/ ,http://etcd-3,");
        assertEquals(List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://[fd00::2]:2379"),
                URI.create("http://etcd-3")), config.datastore().endpoints());
        assertEquals("http://10.0.0.1:2379,http://[fd00::2]:2379,http://etcd-3", config.datastore().endpointList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:2379", "tcp://10.0.0.1:2379", "http://", "http://10.0.0.1:2379/v2",
        "http://user:pw@10.0.0.1:2379", "http://10.0.0.1:2379?x=1", "http://10.0.0.1:0", "http://10.0.0.1:99999",
        ",", "http://10.0.0.1:2379,https://10.0.0.2:2379", "http://10.0 .0.1:2379"})
    void invalidEndpoints(String value) {
        // A password in the URL is named redacted, never echoed (issue 12).
        String named = value.replace("user:pw@", "user:***@");
        StartupException e = assertInvalid(env("ETCD_ENDPOINTS", value), "etcd client URLs", "ETCD_ENDPOINTS", named);
        assertFalse(e.getMessage().contains(":pw@"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://u:p@h:1                 | http://u:***@h:1",
        "https://u:p@ss/w@h:1,http://x  | https://u:***@h:1,http://x",
        "u:secret@h:2379                | u:***@h:2379",
        "http://h:1,http://u:s@h2:2     | http://h:1,http://u:***@h2:2",
        "http://h:1                     | http://h:1",
    })
    void passwordsInUrlsAreRedacted(String text, String redacted) {
        assertEquals(redacted.trim(), DatastoreEnvironment.redacted(text.trim()));
    }

    @Test
    void etcdv2FallsBackToSchemeAndAuthority() {
        Map<String, String> env = base();
        env.remove("ETCD_ENDPOINTS");
        env.put("DATASTORE_TYPE", "etcdv2");
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), parse(env).datastore().endpoints());
        env.put("ETCD_AUTHORITY", "10.1.1.1:4001");
        env.put("CALICO_ETCD_SCHEME", "http");
        assertEquals(List.of(URI.create("http://10.1.1.1:4001")), parse(env).datastore().endpoints());
        env.put("ETCD_SCHEME", "ftp");
        env.remove("CALICO_ETCD_SCHEME");
        assertInvalid(env, "ETCD_SCHEME", "\"http\" or \"https\"");
        env.put("ETCD_SCHEME", "http");
        env.put("ETCD_AUTHORITY", "10.1.1.1:4001/x");
        assertInvalid(env, "ETCD_AUTHORITY", "10.1.1.1:4001/x");
    }

    @Test
    void etcdv3RequiresEndpoints() {
        Map<String, String> env = base();
        env.remove("ETCD_ENDPOINTS");
        assertInvalid(env, "ETCD_ENDPOINTS is required with DATASTORE_TYPE=etcdv3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes", "etcd", "ETCDV3", "etcdv3 ", ""})
    void invalidDatastoreType(String value) {
        assertInvalid("DATASTORE_TYPE", value, "\"etcdv3\" (the default) or \"etcdv2\"");
    }

    @Test
    void discoverySrvIsRejectedRatherThanIgnored() {
        assertInvalid("ETCD_DISCOVERY_SRV", "example.com", "CALICO_ETCD_DISCOVERY_SRV".substring(7),
                "DNS SRV discovery is not supported");
    }

    @Test
    void credentialsComeInPairsAndThePasswordIsNeverShown() {
        Credentials credentials = parse("ETCD_USERNAME", "calico", "CALICO_ETCD_PASSWORD", "s3cr3t!")
                .datastore().credentials().orElseThrow();
        assertEquals("calico", credentials.username());
        assertEquals("s3cr3t!", credentials.password());
        assertFalse(credentials.toString().contains("s3cr3t!"));
        StartupException e = assertThrows(StartupException.class, () -> parse("ETCD_PASSWORD", "s3cr3t!"));
        assertEquals("ETCD_PASSWORD is set but ETCD_USERNAME is not: set both, or neither", e.getMessage());
        assertInvalid("ETCD_USERNAME", "calico", "ETCD_USERNAME is set but ETCD_PASSWORD is not");
        assertEquals(Optional.empty(), parse("ETCD_USERNAME", "", "ETCD_PASSWORD", "").datastore().credentials());
    }

    @Test
    void tlsFilesAreCheckedBeforeAnyConnection() throws Exception {
        Path ca = pem("ca.pem");
        Path cert = pem("cert.pem");
        Path key = pem("key.pem");
        TlsFiles tls = parse("ETCD_ENDPOINTS", "https://127.0.0.1:2379", "ETCD_CA_CERT_FILE", ca.toString(),
                "CALICO_ETCD_CERT_FILE", cert.toString(), "ETCD_KEY_FILE", key.toString())
                .datastore().tls().orElseThrow();
        assertEquals(new TlsFiles(ca, Optional.of(cert), Optional.of(key)), tls);
        assertFalse(parse("ETCD_ENDPOINTS", "https://127.0.0.1:2379", "ETCD_CA_CERT_FILE", ca.toString())
                .datastore().tls().orElseThrow().hasClientCertificate());

        Path missing = tmp.resolve("missing.pem");
        assertInvalid(env("ETCD_ENDPOINTS", "https://127.0.0.1:2379", "ETCD_CA_CERT_FILE", missing.toString()),
                "The file " + missing + " named by ETCD_CA_CERT_FILE does not exist");
        Path notPem = Files.writeString(tmp.resolve("not.pem"), "hello");
        assertInvalid(env("ETCD_ENDPOINTS", "https://127.0.0.1:2379", "ETCD_CA_CERT_FILE", ca.toString(),
                "ETCD_CERT_FILE", cert.toString(), "ETCD_KEY_FILE", notPem.toString()),
                "The file " + notPem + " named by ETCD_KEY_FILE holds no PEM block");
        assertInvalid(env("ETCD_ENDPOINTS", "https://127.0.0.1:2379", "ETCD_CA_CERT_FILE", tmp.toString()),
                "named by ETCD_CA_CERT_FILE is not a regular file");
        assertInvalid(env("ETCD_ENDPOINTS", "https://127.0.0.1:2379", "ETCD_CA_CERT_FILE", ca.toString(),
                "ETCD_CERT_FILE", cert.toString()), "ETCD_CERT_FILE is set but ETCD_KEY_FILE is not");
        assertInvalid(env("ETCD_ENDPOINTS", "https://127.0.0.1:2379"),
                "use https:// but ETCD_CA_CERT_FILE is not set");
        assertInvalid(env("ETCD_ENDPOINTS", "http://127.0.0.1:2379", "ETCD_CA_CERT_FILE", ca.toString()),
                "ETCD_CA_CERT_FILE is set but the etcd endpoints [http://127.0.0.1:2379] use http://");
        // Set but empty means "no TLS", as in Calico's manifests.
        assertEquals(Optional.empty(), parse("ETCD_CA_CERT_FILE", "", "ETCD_CERT_FILE", "", "ETCD_KEY_FILE", "")
                .datastore().tls());
    }

    @Test
    void requestAndStartupTimeoutsAreGoDurations() {
        StartupConfig config = parse("CALICO_STARTUP_REQUEST_TIMEOUT", "2500ms", "CALICO_STARTUP_TIMEOUT", "1m30s");
        assertEquals(Duration.ofMillis(2500), config.datastore().requestTimeout());
        assertEquals(Duration.ofSeconds(90), config.startupTimeout());
        assertInvalid("CALICO_STARTUP_TIMEOUT", "0", "greater than zero");
        assertInvalid("CALICO_STARTUP_REQUEST_TIMEOUT", "10", "a Go duration");
    }

    /** The claims cover's two settings (etcd v3; calico-startup's own, not calico-node's). */
    @Test
    void claimsCoverSettings() {
        assertEquals(ClaimsCoverSettings.DEFAULT, parse().claimsCover());
        assertEquals(new ClaimsCoverSettings(1000, ClaimsCoverSettings.ChangedNodes.NEWEST), parse().claimsCover());
        assertEquals(ClaimsCoverSettings.DEFAULT, parse("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "",
                "CALICO_STARTUP_CHANGED_NODES", "").claimsCover(), "set but empty: the defaults");
        assertEquals(new ClaimsCoverSettings(0, ClaimsCoverSettings.ChangedNodes.WATCH),
                parse("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "0", "CALICO_STARTUP_CHANGED_NODES", "watch")
                        .claimsCover());
        assertEquals(Integer.MAX_VALUE, parse("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", "2147483647").claimsCover()
                .minNodes());
        assertEquals(ClaimsCoverSettings.ChangedNodes.NEWEST, parse("CALICO_STARTUP_CHANGED_NODES", "newest")
                .claimsCover().changedNodes());
        StartupConfig fromEnv = parse("CALICO_STARTUP_CHANGED_NODES", "watch");
        assertEquals(fromEnv.claimsCover(), fromEnv.toBuilder().build().claimsCover(), "the builder keeps it");
        ClaimsCoverSettings never = new ClaimsCoverSettings(Integer.MAX_VALUE, ClaimsCoverSettings.ChangedNodes.NEWEST);
        assertEquals(never, StartupConfig.builder(fromEnv.datastore(), fromEnv.node()).claimsCover(never).build()
                .claimsCover());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "+5", " 5", "5 ", "1e3", "1000.0", "0x10", "2147483648", "99999999999999999999",
        "off", "never"})
    void invalidClaimsCoverMinNodes(String value) {
        assertInvalid("CALICO_STARTUP_CLAIMS_COVER_MIN_NODES", value, "a number of nodes from 0 to 2147483647");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Watch", "WATCH", "wach", "range", "newest ", "true"})
    void invalidChangedNodes(String value) {
        assertInvalid("CALICO_STARTUP_CHANGED_NODES", value, "newest (the default", "or watch");
    }

    // ----------------------------------------------------------------------------------------------- node

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "IP  | ''              | KEEP       | ''",
        "IP  | autodetect      | AUTODETECT | ''",
        "IP  | none            | NONE       | ''",
        "IP  | 10.0.0.11       | FIXED      | 10.0.0.11/32",
        "IP  | 10.0.0.11/24    | FIXED      | 10.0.0.11/24",
        "IP6 | ''              | KEEP       | ''",
        "IP6 | autodetect      | AUTODETECT | ''",
        "IP6 | none            | NONE       | ''",
        "IP6 | fd00::11        | FIXED      | fd00::11/128",
        "IP6 | FD00:0::11/64   | FIXED      | fd00::11/64",
    })
    void addressSettings(String variable, String value, AddressSetting.Mode mode, String address) {
        NodeSettings node = parse(variable.trim(), value.trim()).node();
        AddressSetting setting = variable.trim().equals("IP") ? node.ipv4() : node.ipv6();
        assertEquals(mode, setting.mode());
        assertEquals(address.trim(), setting.address().map(CidrAddress::toString).orElse(""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "IP  | fd00::11", "IP  | 10.0.0.256", "IP  | Autodetect", "IP  | 10.0.0.1/33", "IP  | eth0", "IP  | ' '",
        "IP6 | 10.0.0.11", "IP6 | autodetect6", "IP6 | fd00::11/129", "IP6 | NONE",
    })
    void invalidAddresses(String variable, String value) {
        assertInvalid(variable.trim(), value, "\"autodetect\", \"none\"");
    }

    @Test
    void autodetectionMethodsAreParsedAndChecked() {
        NodeSettings node = parse("IP_AUTODETECTION_METHOD", "interface=eth0", "IP6_AUTODETECTION_METHOD",
                "cidr=fd00::/64").node();
        assertEquals("interface=eth0", node.ipv4Method().text());
        assertEquals("cidr=fd00::/64", node.ipv6Method().text());
        assertInvalid("IP6_AUTODETECTION_METHOD", "eth1", "Invalid IP autodetection method");
        assertInvalid("IP_AUTODETECTION_METHOD", "interface=(", "valid regular expressions");
    }

    @ParameterizedTest
    @CsvSource({"64512, 64512", "0, 0", "4294967295, 4294967295", "1.10, 65546", "65535.65535, 4294967295",
        "0.1, 1"})
    void asNumbers(String value, long expected) {
        assertEquals(OptionalLong.of(expected), parse("AS", value).node().asNumber());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967296", "-1", "+5", "65536.0", "1.65536", "AS64512", "1.2.3", " 64512", "0x10",
        "99999999999"})
    void invalidAsNumbers(String value) {
        assertInvalid("AS", value, "32-bit AS number");
    }

    @Test
    void flagsAreExactlyTrueAsInCalico() {
        assertTrue(parse("DISABLE_NODE_IP_CHECK", "true").node().disableNodeIpCheck());
        assertFalse(parse("DISABLE_NODE_IP_CHECK", "TRUE").node().disableNodeIpCheck());
        assertFalse(parse("DISABLE_NODE_IP_CHECK", "yes").node().disableNodeIpCheck());
        assertTrue(parse("WAIT_FOR_DATASTORE", "true").waitForDatastore());
        assertFalse(parse("WAIT_FOR_DATASTORE", "1").waitForDatastore());
    }

    @Test
    void nodeRefAndBackend() {
        assertEquals(Optional.of("worker-1.example"), parse("CALICO_K8S_NODE_REF", "worker-1.example").node()
                .k8sNodeRef());
        assertEquals(Optional.empty(), parse("CALICO_K8S_NODE_REF", "").node().k8sNodeRef());
        assertInvalid("CALICO_K8S_NODE_REF", "worker\n1", "without white space or control characters");
        assertFalse(parse("CALICO_NETWORKING_BACKEND", "none").node().configuresNetworking());
        assertTrue(parse("CALICO_NETWORKING_BACKEND", "BIRD").node().configuresNetworking());
        assertTrue(parse("CALICO_NETWORKING_BACKEND", "vxlan").node().configuresNetworking());
        assertInvalid("CALICO_NETWORKING_BACKEND", "calico", "\"bird\" (the default)");
    }

    // ---------------------------------------------------------------------------------------------- pools

    @Test
    void poolVariables() {
        StartupConfig config = parse("CALICO_IPV4POOL_CIDR", "10.244.7.9/16", "CALICO_IPV4POOL_IPIP", "CrossSubnet",
                "CALICO_IPV4POOL_NAT_OUTGOING", "No", "CALICO_IPV4POOL_BLOCK_SIZE", "24",
                "CALICO_IPV4POOL_NODE_SELECTOR", "has(edge)", "CALICO_IPV6POOL_CIDR", "fd12:3456::/48",
                "CALICO_IPV6POOL_VXLAN", "always", "CALICO_IPV6POOL_NAT_OUTGOING", "", "CALICO_IPV6POOL_BLOCK_SIZE",
                "120", "CALICO_IPV6POOL_NODE_SELECTOR", "!has(edge)");
        assertEquals(new PoolSettings(org.calicostartup.net.IpFamily.V4, Optional.of(cidr("10.244.0.0/16")),
                EncapsulationMode.CROSS_SUBNET, EncapsulationMode.NEVER, false, 24, "has(edge)"), config.ipv4Pool());
        assertEquals(new PoolSettings(org.calicostartup.net.IpFamily.V6, Optional.of(cidr("fd12:3456::/48")),
                EncapsulationMode.NEVER, EncapsulationMode.ALWAYS, true, 120, "!has(edge)"), config.ipv6Pool());
    }

    @ParameterizedTest
    @CsvSource({"'', NEVER", "off, NEVER", "Never, NEVER", "ALWAYS, ALWAYS", "cross-subnet, CROSS_SUBNET",
        "crosssubnet, CROSS_SUBNET", "CrossSubnet, CROSS_SUBNET"})
    void encapsulationModes(String value, EncapsulationMode mode) {
        assertEquals(mode, parse("CALICO_IPV4POOL_IPIP", value).ipv4Pool().ipipMode());
        assertEquals(mode, parse("CALICO_IPV4POOL_VXLAN", value).ipv4Pool().vxlanMode());
    }

    @ParameterizedTest
    @CsvSource({"false, false", "0, false", "no, false", "N, false", "f, false", "FALSE, false", "true, true",
        "'', true", "nope, true"})
    void natOutgoingIsFalseOnlyForFalseWords(String value, boolean nat) {
        assertEquals(nat, parse("CALICO_IPV4POOL_NAT_OUTGOING", value).ipv4Pool().natOutgoing());
        assertEquals(nat, parse("CALICO_IPV6POOL_NAT_OUTGOING", value).ipv6Pool().natOutgoing());
    }

    @Test
    void invalidPoolVariables() {
        assertInvalid("CALICO_IPV4POOL_CIDR", "192.168.0.0", "an IPv4 network in CIDR notation");
        assertInvalid("CALICO_IPV4POOL_CIDR", "fd00::/64", "an IPv4 network in CIDR notation");
        assertInvalid("CALICO_IPV6POOL_CIDR", "10.0.0.0/8", "an IPv6 network in CIDR notation");
        assertInvalid("CALICO_IPV4POOL_IPIP", "sometimes", "\"Always\"");
        assertInvalid("CALICO_IPV6POOL_VXLAN", "on", "\"CrossSubnet\"");
        assertInvalid("CALICO_IPV4POOL_BLOCK_SIZE", "19", "a prefix length from 20 to 32");
        assertInvalid("CALICO_IPV4POOL_BLOCK_SIZE", "33", "a prefix length from 20 to 32");
        assertInvalid("CALICO_IPV6POOL_BLOCK_SIZE", "64", "a prefix length from 116 to 128");
        assertInvalid("CALICO_IPV4POOL_NODE_SELECTOR", " ", "a Calico selector");
        assertInvalid(env("CALICO_IPV4POOL_IPIP", "Always", "CALICO_IPV4POOL_VXLAN", "Always"),
                "both CALICO_IPV4POOL_IPIP and CALICO_IPV4POOL_VXLAN");
        assertInvalid(env("CALICO_IPV4POOL_CIDR", "10.0.0.0/28"), "smaller than one IPAM block of /26");
    }

    @Test
    void noDefaultPools() {
        assertTrue(parse("NO_DEFAULT_POOLS", "True").noDefaultPools());
        assertFalse(parse("NO_DEFAULT_POOLS", "1").noDefaultPools());
        assertInvalid(env("NO_DEFAULT_POOLS", "true", "CALICO_IPV6POOL_CIDR", "fd00::/64"),
                "Invalid configuration with NO_DEFAULT_POOLS defined and CALICO_IPV4POOL_CIDR or "
                        + "CALICO_IPV6POOL_CIDR defined.");
    }

    @Test
    void ipv6SupportFollowsFelix() {
        assertFalse(parse("FELIX_IPV6SUPPORT", "false").ipv6Supported());
        assertTrue(parse("FELIX_IPV6SUPPORT", "true").ipv6Supported());
    }

    // ----------------------------------------------------------------------------------------------- misc

    @Test
    void clusterTypeAndLogLevel() {
        // Split as calico-node splits it (strings.Split, nothing trimmed or dropped): joined, the value comes back.
        StartupConfig config = parse("CLUSTER_TYPE", "k8s, bgp,,kubeadm ", "CALICO_STARTUP_LOGLEVEL", "WARNING");
        assertEquals(List.of("k8s", " bgp", "", "kubeadm "), config.clusterType());
        assertEquals(List.of(), parse("CLUSTER_TYPE", "").clusterType());
        assertEquals("warning", config.logLevel());
        assertInvalid("CALICO_STARTUP_LOGLEVEL", "verbose", "a log level");
    }

    /** The builder's defaults are calico-node's, the same as an environment that sets nothing else. */
    @Test
    void theBuilderDefaultsAreTheEnvironmentsDefaults() {
        StartupConfig fromEnv = parse("DATASTORE_TYPE", "etcdv3");
        // (these tests point CALICO_NODENAME_FILE at a temporary directory)
        StartupConfig built = StartupConfig.builder(fromEnv.datastore(), fromEnv.node())
                .nodenameFile(fromEnv.nodenameFile()).build();
        // Only the naming differs: the environment's can name the node for another release, the builder's is given.
        assertEquals(NodeNaming.given(fromEnv.node().name(), fromEnv.nodenameFile()), built.naming());
        assertEquals(fromEnv.toBuilder().nodenameFile(fromEnv.nodenameFile()).build(), built);
        assertEquals(fromEnv, fromEnv.toBuilder().build());
        StartupConfig pinned = StartupConfig.builder(fromEnv.datastore(), fromEnv.node()).calicoVersion("v3.22.1")
                .waitForDatastore(true).build();
        assertEquals("v3.22.1", pinned.calicoVersion().orElseThrow().toString());
        assertTrue(pinned.waitForDatastore());
        StartupException e = assertThrows(StartupException.class, () ->
                StartupConfig.builder(fromEnv.datastore(), fromEnv.node()).calicoVersion("v9.0.0"));
        assertTrue(e.getMessage().contains("v3.32.x"), e.getMessage());
    }

    /**
     * Read by calico-node's own services, not by its startup: the monitor-addresses loop (AUTODETECT_POLL_INTERVAL)
     * and the /var/log/calico check (CALICO_DISABLE_FILE_LOGGING). calico-startup leaves both to calico-node and
     * ignores them, whatever their value, as calico-node's startup does.
     */
    @Test
    void variablesOfCalicoNodesOwnServicesAreIgnored() {
        StartupConfig plain = parse();
        assertEquals(plain.node(), parse("AUTODETECT_POLL_INTERVAL", "not-a-duration",
                "CALICO_DISABLE_FILE_LOGGING", "true").node());
    }

    // ---------------------------------------------------------------------------------------------- setup

    private Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put("ETCD_ENDPOINTS", "http://127.0.0.1:2379");
        env.put("NODENAME", "node-a");
        env.put("CALICO_NODENAME_FILE", tmp.resolve("nodename").toString());
        return env;
    }

    // ------------------------------------------------------------------------------------- Calico release

    @Test
    void calicoVersionIsOptionalAndChoosesTheDatastoreWhenDatastoreTypeIsUnset() {
        assertEquals(Optional.empty(), parse().calicoVersion());
        assertFalse(parse().datastoreTypeGiven());
        StartupConfig v26 = parse("CALICO_STARTUP_CALICO_VERSION", "v2.6.5");
        assertEquals("v2.6.5", v26.calicoVersion().orElseThrow().toString());
        assertEquals(DatastoreType.ETCDV2, v26.datastore().type());
        assertTrue(v26.datastoreTypeGiven());
        assertEquals(DatastoreType.ETCDV3, parse("CALICO_STARTUP_CALICO_VERSION", "3.22.1").datastore().type());
        assertTrue(parse("DATASTORE_TYPE", "etcdv3").datastoreTypeGiven());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2.5.0", "v3.33.0", "latest", "v3.22", "v3.22.1-rc1", "4.0.0"})
    void unsupportedCalicoVersionsNameTheSupportedRange(String value) {
        assertInvalid("CALICO_STARTUP_CALICO_VERSION", value, "v2.6.x", "v3.32.x");
    }

    @Test
    void aReleaseAndADatastoreThatDoNotGoTogetherAreRefused() {
        assertInvalid(env("CALICO_STARTUP_CALICO_VERSION", "v2.6.12", "DATASTORE_TYPE", "etcdv3"),
                "CALICO_STARTUP_CALICO_VERSION=v2.6.12", "DATASTORE_TYPE=etcdv3");
        assertInvalid(env("CALICO_STARTUP_CALICO_VERSION", "v3.22.1", "DATASTORE_TYPE", "etcdv2"),
                "DATASTORE_TYPE=etcdv2");
    }

    /** calico_node/startup/startup.go@v2.6.12 determineNodeName: NODENAME, else HOSTNAME, exactly as given. */
    @Test
    void etcdV2NamesAreTakenAsGiven() {
        Map<String, String> env = env("DATASTORE_TYPE", "etcdv2", "HOSTNAME", "AMZ-IAD12-OpsResPool-13-33");
        env.remove("NODENAME");
        NodeName name = parse(env).node().name();
        assertEquals("AMZ-IAD12-OpsResPool-13-33", name.value());
        assertEquals("HOSTNAME", name.source());
        assertEquals("Node_1", parse("DATASTORE_TYPE", "etcdv2", "NODENAME", "Node_1").node().name().value());
        assertEquals("amz-iad12-opsrespool-13-33", parse(envWithout("NODENAME", "HOSTNAME",
                "AMZ-IAD12-OpsResPool-13-33")).node().name().value(), "v3 lower-cases HOSTNAME");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "a/b", "node a", " node", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "n\u00e9"})
    void etcdV2RefusesNamesThatAreNotCalico26Names(String value) {
        assertInvalid(env("DATASTORE_TYPE", "etcdv2", "NODENAME", value), "NODENAME", "Calico 2.6");
    }

    @Test
    void twoSixIpipModesOnly() {
        assertEquals(EncapsulationMode.CROSS_SUBNET, parse("DATASTORE_TYPE", "etcdv2", "CALICO_IPV4POOL_IPIP",
                "cross-subnet").ipv4Pool().ipipMode());
        assertInvalid(env("DATASTORE_TYPE", "etcdv2", "CALICO_IPV4POOL_IPIP", "Never"), "CALICO_IPV4POOL_IPIP",
                "Calico 2.6");
        assertInvalid(env("DATASTORE_TYPE", "etcdv2", "CALICO_IPV4POOL_CIDR", "none"), "CALICO_IPV4POOL_CIDR");
    }

    @Test
    void poolCidrNoneAndBgpExportAreKept() {
        StartupConfig config = parse("CALICO_IPV4POOL_CIDR", "none", "CALICO_IPV6POOL_DISABLE_BGP_EXPORT", "yes");
        assertTrue(config.ipv4Pool().cidrNone());
        assertEquals(Optional.empty(), config.ipv4Pool().cidr());
        assertFalse(config.ipv6Pool().cidrNone());
        assertTrue(config.ipv6Pool().disableBgpExport());
        assertFalse(config.ipv4Pool().disableBgpExport());
    }

    @Test
    void nodeSelectorsFollowCalicosGrammarAndEmptyMeansAll() {
        assertEquals("all()", parse("CALICO_IPV4POOL_NODE_SELECTOR", "").ipv4Pool().nodeSelector());
        assertEquals("zone in {\"a\"}", parse("CALICO_IPV4POOL_NODE_SELECTOR", "zone in {\"a\"}").ipv4Pool()
                .nodeSelector());
        assertInvalid("CALICO_IPV6POOL_NODE_SELECTOR", "has(edge", "a Calico selector");
        assertInvalid("CALICO_IPV4POOL_NODE_SELECTOR", "zone = \"a\"", "expected ==");
    }

    private Map<String, String> envWithout(String removed, String... keysAndValues) {
        Map<String, String> env = env(keysAndValues);
        env.remove(removed);
        return env;
    }

    private Map<String, String> env(String... keysAndValues) {
        Map<String, String> env = base();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }

    /**
     * A pool variable the configured release does not read is not parsed, so a value calico-node ignores is not
     * refused: block size and node selector before v3.10 (configureIPPools, pkg/startup/startup.go@v3.10.0), VXLAN
     * before v3.7 (@v3.7.0) and in 2.6, the IPv4 pool's variables and CALICO_IPV6POOL_VXLAN with
     * CALICO_IPV4POOL_CIDR=none (node/pkg/lifecycle/startup/startup.go@v3.29.0).
     */
    @Test
    void poolVariablesTheReleaseDoesNotReadAreNotRefused() {
        assertEquals(26, parse("CALICO_STARTUP_CALICO_VERSION", "v3.9.6", "CALICO_IPV4POOL_BLOCK_SIZE", "99",
                "CALICO_IPV4POOL_NODE_SELECTOR", "has(").ipv4Pool().blockSize());
        assertInvalid(env("CALICO_STARTUP_CALICO_VERSION", "v3.10.0", "CALICO_IPV4POOL_BLOCK_SIZE", "99"),
                "CALICO_IPV4POOL_BLOCK_SIZE");
        assertEquals(EncapsulationMode.NEVER, parse("CALICO_STARTUP_CALICO_VERSION", "v3.6.0",
                "CALICO_IPV4POOL_VXLAN", "sometimes").ipv4Pool().vxlanMode());
        assertInvalid(env("CALICO_STARTUP_CALICO_VERSION", "v3.7.0", "CALICO_IPV4POOL_VXLAN", "sometimes"),
                "CALICO_IPV4POOL_VXLAN");
        assertEquals(EncapsulationMode.NEVER, parse("DATASTORE_TYPE", "etcdv2", "CALICO_IPV4POOL_VXLAN", "sometimes")
                .ipv4Pool().vxlanMode());
        StartupConfig none = parse("CALICO_IPV4POOL_CIDR", "none", "CALICO_IPV4POOL_BLOCK_SIZE", "99",
                "CALICO_IPV4POOL_IPIP", "sometimes", "CALICO_IPV6POOL_VXLAN", "sometimes");
        assertTrue(none.ipv4Pool().cidrNone());
        assertEquals(EncapsulationMode.NEVER, none.ipv6Pool().vxlanMode());
        assertInvalid(env("CALICO_IPV6POOL_VXLAN", "sometimes"), "CALICO_IPV6POOL_VXLAN");
    }

    private StartupConfig parse(String... keysAndValues) {
        return parse(env(keysAndValues));
    }

    private static StartupConfig parse(Map<String, String> env) {
        return StartupConfig.fromEnvironment(env, new NodeNameResolver(() -> "os-host"));
    }

    /** Asserts the single variable's value is rejected with a message naming both and containing each fragment. */
    private void assertInvalid(String variable, String value, String... fragments) {
        StartupException e = assertInvalid(env(variable, value), fragments);
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    private static StartupException assertInvalid(Map<String, String> env, String... fragments) {
        StartupException e = assertThrows(StartupException.class, () -> parse(env));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "\"" + fragment + "\" not in: " + e.getMessage());
        }
        return e;
    }

    private Path pem(String name) throws Exception {
        return Files.writeString(tmp.resolve(name), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    }

    private static CidrAddress cidr(String text) {
        return CidrAddress.parse(text).orElseThrow();
    }
}
