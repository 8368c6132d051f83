package org.calicostartup.autodetect.internal;

import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.autodetect.HostInterface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.NetworkInterface;
import java.util.List;
import org.calicostartup.StartupException;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.junit.jupiter.api.Test;

/** Autodetection against this machine's real interfaces and routing table. */
class SystemInterfacesTest {

    @Test
    void listsLoopbackWithItsPrefix() throws Exception {
        List<HostInterface> interfaces = SystemInterfaces.INSTANCE.interfaces();
        HostInterface lo = interfaces.stream().filter(i -> i.name().equals("lo")).findFirst().orElseThrow();
        assertTrue(lo.addresses().contains(CidrAddress.parse("127.0.0.1/8").orElseThrow()), lo.toString());
        int previous = -1;
        for (HostInterface nic : interfaces) {
            int index = Integer.parseInt(java.nio.file.Files.readString(
                    java.nio.file.Path.of("/sys/class/net", nic.name(), "ifindex")).trim());
            assertTrue(index > previous, "kernel order: " + interfaces);
            previous = index;
        }
    }

    @Test
    void canReachLoopbackFindsLo() {
        DetectedAddress detected = IpAutodetector.system()
                .detect(AutodetectionMethod.parse("IP_AUTODETECTION_METHOD", "can-reach=127.0.0.1"), IpFamily.V4);
        assertEquals(new DetectedAddress("lo", CidrAddress.parse("127.0.0.1/8").orElseThrow()), detected);
    }

    @Test
    void firstFoundPicksAGlobalAddressOfARealNonExcludedInterface() throws Exception {
        for (IpFamily family : IpFamily.values()) {
            boolean candidateExists = SystemInterfaces.INSTANCE.interfaces().stream()
                    .filter(nic -> IpAutodetector.DEFAULT_INTERFACES_TO_EXCLUDE.stream()
                            .noneMatch(p -> p.matcher(nic.name()).find()))
                    .flatMap(nic -> nic.addresses().stream())
                    .anyMatch(a -> a.family() == family && a.isGlobalUnicast());
            try {
                DetectedAddress detected = IpAutodetector.system().detect(new AutodetectionMethod.FirstFound(), family);
                assertTrue(candidateExists);
                NetworkInterface nic = NetworkInterface.getByName(detected.interfaceName());
                assertTrue(nic.inetAddresses().anyMatch(a -> a.equals(detected.address().address())), detected
                        + " is on " + nic);
                assertTrue(detected.address().isGlobalUnicast());
                assertEquals(family, detected.address().family());
                assertFalse(IpAutodetector.DEFAULT_INTERFACES_TO_EXCLUDE.stream()
                        .anyMatch(p -> p.matcher(detected.interfaceName()).find()));
            } catch (StartupException e) {
                assertFalse(candidateExists, e.getMessage());
                assertEquals(StartupException.Reason.AUTODETECTION, e.reason());
            }
        }
    }
}
