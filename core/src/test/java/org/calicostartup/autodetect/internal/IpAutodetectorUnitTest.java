package org.calicostartup.autodetect.internal;

import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.ReachProbe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.calicostartup.StartupException;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Calico's autodetection rules as tables over made-up hosts; interfaces are listed in kernel (ifindex) order. */
class IpAutodetectorUnitTest {

    /** A Kubernetes worker: the real NIC sits among docker, bridge, Calico, tunnel and NodeLocal DNS interfaces. */
    private static final List<HostInterface> K8S_WORKER = List.of(
            HostInterface.of("lo", "127.0.0.1/8", "::1/128"),
            HostInterface.of("eth0", "fe80::5054:ff:fe12:3456/64", "10.0.0.11/24", "fd00::11/64"),
            HostInterface.of("docker0", "172.17.0.1/16"),
            HostInterface.of("tunl0", "192.168.5.1/32"),
            HostInterface.of("br-5f2c9a", "172.18.0.1/16"),
            HostInterface.of("kube-ipvs0", "10.96.0.1/32"),
            HostInterface.of("nodelocaldns", "169.254.20.10/32", "10.96.0.10/32"),
            HostInterface.of("cni0", "10.244.1.1/24"),
            HostInterface.of("vxlan.calico", "192.168.5.192/32"),
            HostInterface.of("cali1234abcd", "fe80::ecee:eeff:feee:eeee/64"));

    /** Two real NICs: Calico walks interfaces in reverse, so the higher index wins first-found. */
    private static final List<HostInterface> TWO_NICS = List.of(
            HostInterface.of("lo", "127.0.0.1/8"),
            HostInterface.of("eth0", "10.0.0.11/24", "fd00::11/64"),
            HostInterface.of("eth1", "169.254.3.3/16", "10.1.0.11/16", "10.1.0.12/16", "fe80::1/64"));

    /** Names the pre-v3.25 unanchored list wrongly excluded ("lo" matched wlo1, "veth.*" matched ibmveth0). */
    private static final List<HostInterface> LAPTOP_AND_POWER = List.of(
            HostInterface.of("lo", "127.0.0.1/8"),
            HostInterface.of("ibmveth0", "10.10.0.5/24"),
            HostInterface.of("wlo1", "192.168.1.50/24"),
            HostInterface.of("veth12ab", "10.20.0.1/24"),
            HostInterface.of("podman0", "10.88.0.1/16"),
            HostInterface.of("virbr0", "192.168.122.1/24"),
            HostInterface.of("lxcbr0", "10.0.3.1/24"),
            HostInterface.of("dummy0", "10.30.0.1/24"),
            HostInterface.of("flannel.1", "10.244.0.0/32"),
            HostInterface.of("wireguard.cali", "10.40.0.1/32"));

    private static final Map<String, List<HostInterface>> HOSTS =
            Map.of("k8s-worker", K8S_WORKER, "two-nics", TWO_NICS, "laptop-and-power", LAPTOP_AND_POWER);

    @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
    @CsvSource(delimiter = '|', value = {
        "k8s-worker       | first-found                 | 4 | eth0         | 10.0.0.11/24",
        "k8s-worker       | ''                          | 4 | eth0         | 10.0.0.11/24",
        "k8s-worker       | first-found                 | 6 | eth0         | fd00::11/64",
        "k8s-worker       | interface=docker0           | 4 | docker0      | 172.17.0.1/16",
        "k8s-worker       | interface=eth.*,ens.*       | 4 | eth0         | 10.0.0.11/24",
        "k8s-worker       | interface=ens.* , eth0      | 6 | eth0         | fd00::11/64",
        "k8s-worker       | interface=dns               | 4 | nodelocaldns | 10.96.0.10/32",
        "k8s-worker       | interface=lo                | 4 | nodelocaldns | 10.96.0.10/32",
        "k8s-worker       | cidr=172.16.0.0/12          | 4 | br-5f2c9a    | 172.18.0.1/16",
        "k8s-worker       | cidr=10.0.0.0/24,fd00::/64  | 4 | eth0         | 10.0.0.11/24",
        "k8s-worker       | cidr=10.0.0.0/24,fd00::/64  | 6 | eth0         | fd00::11/64",
        "two-nics         | first-found                 | 4 | eth1         | 10.1.0.11/16",
        "two-nics         | skip-interface=eth1         | 4 | eth0         | 10.0.0.11/24",
        "two-nics         | skip-interface=^eth1$       | 6 | eth0         | fd00::11/64",
        "two-nics         | interface=eth0              | 4 | eth0         | 10.0.0.11/24",
        "two-nics         | cidr=10.0.0.0/8             | 4 | eth1         | 10.1.0.11/16",
        "two-nics         | cidr=10.0.0.0/16            | 4 | eth0         | 10.0.0.11/24",
        "laptop-and-power | first-found                 | 4 | wlo1         | 192.168.1.50/24",
        "laptop-and-power | skip-interface=wlo.*        | 4 | ibmveth0     | 10.10.0.5/24",
        "laptop-and-power | interface=veth             | 4 | veth12ab     | 10.20.0.1/24",
    })
    void detects(String host, String method, int version, String expectedInterface, String expectedAddress) {
        DetectedAddress detected = detector(HOSTS.get(host.trim()), unreachable())
                .detect(AutodetectionMethod.parse("IP_AUTODETECTION_METHOD", method.trim()), family(version));
        assertEquals(expectedInterface.trim(), detected.interfaceName());
        assertEquals(expectedAddress.trim(), detected.address().toString());
    }

    @ParameterizedTest(name = "{0} {1} {2} fails: {3}")
    @CsvSource(delimiter = '|', value = {
        "k8s-worker | interface=wlan.*          | 4 | no valid host interfaces found",
        "k8s-worker | skip-interface=eth0       | 4 | no valid host interfaces found",
        "k8s-worker | interface=^lo$            | 4 | no valid IPv4 addresses found on the host interfaces",
        "k8s-worker | interface=^lo$,cali       | 6 | no valid IPv6 addresses found on the host interfaces",
        "k8s-worker | cidr=203.0.113.0/24       | 4 | no valid IPv4 addresses found on the host interfaces",
        "two-nics   | interface=eth1            | 6 | no valid IPv6 addresses found on the host interfaces",
    })
    void failsLikeCalico(String host, String method, int version, String message) {
        StartupException e = assertThrows(StartupException.class, () -> detector(HOSTS.get(host.trim()),
                unreachable()).detect(AutodetectionMethod.parse("IP6_AUTODETECTION_METHOD", method.trim()),
                family(version)));
        assertEquals(StartupException.Reason.AUTODETECTION, e.reason());
        assertTrue(e.getMessage().endsWith(message.trim()), e.getMessage());
    }

    @Test
    void canReachTakesThePrefixFromTheInterfaceWithTheChosenSourceAddress() {
        InetAddress[] asked = new InetAddress[1];
        IpAutodetector detector = detector(TWO_NICS, destination -> {
            asked[0] = destination;
            return CidrAddress.parseAddress("10.1.0.12").orElseThrow();
        });
        DetectedAddress detected = detector.detect(new AutodetectionMethod.CanReach("10.1.0.1"), IpFamily.V4);
        assertEquals("10.1.0.1", asked[0].getHostAddress());
        assertEquals(new DetectedAddress("eth1", CidrAddress.parse("10.1.0.12/16").orElseThrow()), detected);
    }

    @Test
    void canReachConsidersExcludedInterfacesToo() {
        IpAutodetector detector = detector(K8S_WORKER, destination -> CidrAddress.parseAddress("172.17.0.1")
                .orElseThrow());
        assertEquals("docker0", detector.detect(new AutodetectionMethod.CanReach("172.17.0.2"), IpFamily.V4)
                .interfaceName());
    }

    @Test
    void canReachFailsWhenTheSourceAddressIsOnNoInterface() {
        IpAutodetector detector = detector(TWO_NICS, destination -> CidrAddress.parseAddress("10.9.9.9")
                .orElseThrow());
        StartupException e = assertThrows(StartupException.class,
                () -> detector.detect(new AutodetectionMethod.CanReach("10.9.0.1"), IpFamily.V4));
        assertTrue(e.getMessage().endsWith("autodetected IPv4 address does not match any addresses found on local "
                + "interfaces: 10.9.9.9"), e.getMessage());
    }

    @Test
    void canReachFailsWhenTheDestinationIsOfTheOtherFamilyOrUnreachable() {
        IpAutodetector detector = detector(TWO_NICS, unreachable());
        assertThrows(StartupException.class,
                () -> detector.detect(new AutodetectionMethod.CanReach("fd00::1"), IpFamily.V4));
        StartupException e = assertThrows(StartupException.class,
                () -> detector.detect(new AutodetectionMethod.CanReach("10.0.0.1"), IpFamily.V4));
        assertTrue(e.getMessage().contains("cannot reach 10.0.0.1: network is unreachable"), e.getMessage());
    }

    @Test
    void enumerationFailureIsAnAutodetectionError() {
        IpAutodetector detector = new IpAutodetector(() -> {
            throw new IOException("netlink says no");
        }, unreachable());
        StartupException e = assertThrows(StartupException.class,
                () -> detector.detect(new AutodetectionMethod.FirstFound(), IpFamily.V4));
        assertEquals(StartupException.Reason.AUTODETECTION, e.reason());
        assertTrue(e.getMessage().contains("netlink says no"));
    }

    /**
     * GetInterfaces for spec.interfaces (node/pkg/lifecycle/startup/autodetection/interfaces.go@v3.32.1): the
     * default exclusions, reverse kernel order, interfaces without an address of the families kept, link-local kept.
     */
    @Test
    void interfacesAsCalicoListsThemForTheNode() {
        IpAutodetector detector = detector(K8S_WORKER, unreachable());
        assertEquals(List.of(HostInterface.of("eth0", "10.0.0.11/24")),
                detector.interfaces(java.util.Set.of(IpFamily.V4), IpAutodetector.DEFAULT_INTERFACES_TO_EXCLUDE));
        assertEquals(List.of(HostInterface.of("eth0", "fe80::5054:ff:fe12:3456/64", "10.0.0.11/24", "fd00::11/64")),
                detector.interfaces(java.util.Set.of(IpFamily.V4, IpFamily.V6),
                        IpAutodetector.DEFAULT_INTERFACES_TO_EXCLUDE));
        assertEquals(List.of("cali1234abcd", "vxlan.calico", "cni0", "nodelocaldns", "kube-ipvs0", "br-5f2c9a",
                "tunl0", "docker0", "eth0", "lo"), detector.interfaces(java.util.Set.of(IpFamily.V6), List.of())
                .stream().map(HostInterface::name).toList(), "no exclusions: every interface, in reverse");
    }

    /** A snapshot asks the host once, whatever is asked of it, and keeps a failure too. */
    @Test
    void aSnapshotListsTheInterfacesOnce() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        IpAutodetector snapshot = new IpAutodetector(() -> {
            calls.incrementAndGet();
            return K8S_WORKER;
        }, unreachable()).snapshot();
        snapshot.detect(new AutodetectionMethod.FirstFound(), IpFamily.V4);
        snapshot.detect(new AutodetectionMethod.FirstFound(), IpFamily.V6);
        snapshot.interfaces(java.util.Set.of(IpFamily.V4), IpAutodetector.DEFAULT_INTERFACES_TO_EXCLUDE);
        snapshot.allAddresses(IpFamily.V4);
        assertEquals(1, calls.get());
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        IpAutodetector failing = new IpAutodetector(() -> {
            failures.incrementAndGet();
            throw new IOException("netlink says no");
        }, unreachable()).snapshot();
        assertThrows(StartupException.class, () -> failing.allAddresses(IpFamily.V4));
        assertThrows(StartupException.class, () -> failing.allAddresses(IpFamily.V6));
        assertEquals(1, failures.get());
    }

    private static IpAutodetector detector(List<HostInterface> interfaces, ReachProbe probe) {
        return new IpAutodetector(() -> interfaces, probe);
    }

    private static ReachProbe unreachable() {
        return destination -> {
            throw new IOException("network is unreachable");
        };
    }

    private static IpFamily family(int version) {
        return version == 4 ? IpFamily.V4 : IpFamily.V6;
    }
}
