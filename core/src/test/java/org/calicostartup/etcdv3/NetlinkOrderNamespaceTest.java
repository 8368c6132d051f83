package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.calicostartup.autodetect.internal.IpCommandInterfaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Autodetection on real kernel interfaces, in a network namespace this test creates (veth pairs; these machines and CI
 * run as root). Calico reads addresses over netlink in kernel order (node/pkg/lifecycle/startup/autodetection/
 * interfaces.go@v3.22.1, Go's {@code Interface.Addrs()}): the primary IPv4 address before a secondary (a floating
 * VIP), IPv6 newest first; interfaces are walked in reverse index order.
 */
class NetlinkOrderNamespaceTest extends SharedEtcdV3Test {

    private static final String NS = "cs-" + UUID.randomUUID().toString().substring(0, 8);
    private static IpCommandInterfaces host;

    @BeforeAll
    static void createNamespace() throws Exception {
        ip("netns", "add", NS);
        ip("-n", NS, "link", "add", "ens5", "type", "veth", "peer", "name", "ens6");
        ip("-n", NS, "link", "add", "wlo1", "type", "veth", "peer", "name", "wlo2");
        ip("-n", NS, "addr", "add", "10.77.0.5/24", "dev", "ens5");
        ip("-n", NS, "addr", "add", "10.77.0.100/24", "dev", "ens5");
        ip("-n", NS, "addr", "add", "fd77::1/64", "dev", "ens5", "nodad");
        ip("-n", NS, "addr", "add", "fd77::2/64", "dev", "ens5", "nodad");
        ip("-n", NS, "addr", "add", "10.78.0.5/24", "dev", "wlo1");
        host = IpCommandInterfaces.find().orElseThrow(() -> new AssertionError("no ip command")).inNamespace(NS);
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        ip("netns", "del", NS);
    }

    @Test
    void thePrimaryAddressWinsOverASecondaryVipAndTheNewestIpv6Address() {
        etcd.start(etcd.env("node-a", "IP_AUTODETECTION_METHOD", "interface=ens5", "IP6", "autodetect",
                "IP6_AUTODETECTION_METHOD", "interface=ens5"), host);
        JsonNode bgp = etcd.json(V3Keys.node("node-a")).path("spec").path("bgp");
        assertEquals("10.77.0.5/24", bgp.path("ipv4Address").asText());
        assertEquals("fd77::2/64", bgp.path("ipv6Address").asText());
    }

    /** The unanchored "lo" of releases before v3.23.4 excludes wlo1 (autodetection_linux.go@v3.22.1, @v3.25.0). */
    @ParameterizedTest(name = "{0}: first-found on this namespace registers {1}")
    @CsvSource({"v3.22.1, 10.77.0.5/24", "v3.25.0, 10.78.0.5/24"})
    void defaultExclusionsOnRealInterfaces(String release, String registered) {
        etcd.start(etcd.env("node-a", "CALICO_STARTUP_CALICO_VERSION", release), host);
        assertEquals(registered, etcd.json(V3Keys.node("node-a")).path("spec").path("bgp").path("ipv4Address")
                .asText());
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (this test needs root and iproute2): "
                    + out);
        }
    }
}
