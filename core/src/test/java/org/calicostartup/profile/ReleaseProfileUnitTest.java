package org.calicostartup.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.net.CidrAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The release table as pure rules; each row cites the Calico file and tag in {@link ReleaseProfile}'s javadoc. */
class ReleaseProfileUnitTest {

    @ParameterizedTest(name = "{0} -> supported {1}")
    @CsvSource({"v2.6.0, true", "v2.6.12, true", "2.6.5, true", "v2.5.1, false", "v3.0.0, true", "v3.32.1, true",
        "v3.33.0, false", "v4.0.0, false", "v3.22, false", "v3.22.1-rc1, false", "latest, false", "'', false"})
    void supportedReleases(String text, boolean supported) {
        assertEquals(supported, CalicoRelease.supported(text).isPresent());
    }

    /** CALICO_NETWORKING_BACKEND=none: the release boundaries of ReleaseProfile.policyOnly, each side of each. */
    @ParameterizedTest(name = "{0}: policy only {1}")
    @CsvSource({"v2.6.12, SKIPS_ADDRESSES", "v3.15.1, SKIPS_ADDRESSES", "v3.15.2, CONFIGURES_ADDRESSES",
        "v3.16.2, CONFIGURES_ADDRESSES", "v3.16.3, CONFIGURES_ADDRESSES_NONE_NEEDED_WARNS",
        "v3.23.5, CONFIGURES_ADDRESSES_NONE_NEEDED_WARNS", "v3.24.0, CONFIGURES_ADDRESSES_NONE_NEEDED",
        "v3.26.1, CONFIGURES_ADDRESSES_NONE_NEEDED", "v3.26.2, SKIPS_ADDRESSES", "v3.32.1, SKIPS_ADDRESSES"})
    void policyOnly(String release, ReleaseProfile.PolicyOnly expected) {
        assertEquals(expected, ReleaseProfile.of(CalicoRelease.supported(release).orElseThrow()).policyOnly());
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(CalicoRelease.parse("v3.10.0").orElseThrow().atLeast(3, 9, 9));
        assertFalse(CalicoRelease.parse("v3.9.9").orElseThrow().atLeast(3, 10));
        assertEquals("v3.22.1", CalicoRelease.parse("3.22.1").orElseThrow().toString());
    }

    @ParameterizedTest(name = "configured {0}, recorded {1} on {2} -> {3}")
    @CsvSource({"-, -, ETCDV2, v2.6.12", "-, -, ETCDV3, v3.32.1", "-, v2.6.5, ETCDV2, v2.6.5",
        "-, v3.10.2, ETCDV3, v3.10.2", "-, v3.10.2, ETCDV2, v2.6.12", "-, v2.6.5, ETCDV3, v3.32.1",
        "-, garbage, ETCDV3, v3.32.1", "v3.22.1, v3.10.2, ETCDV3, v3.22.1"})
    void resolution(String configured, String recorded, DatastoreType type, String expected) {
        Optional<CalicoRelease> given = configured.equals("-") ? Optional.empty() : CalicoRelease.parse(configured);
        Optional<String> stored = recorded.equals("-") ? Optional.empty() : Optional.of(recorded);
        assertEquals(expected, ReleaseProfile.resolve(given, stored, type).recordedVersion());
    }

    @ParameterizedTest(name = "{0}: ipip {1}, vxlan {2}, /32 {3}, cidr none {4}, bgp export {5}")
    @CsvSource({"v2.6.12, false, false, true, false, false", "v3.0.0, true, false, true, false, false",
        "v3.7.0, true, true, true, false, false", "v3.18.0, true, true, false, false, false",
        "v3.22.5, true, true, false, false, false", "v3.23.0, false, false, false, false, false",
        "v3.24.0, false, false, false, false, true", "v3.29.0, false, false, false, true, true"})
    void rules(String release, boolean ipip, boolean vxlan, boolean bareIs32, boolean cidrNone, boolean bgpExport) {
        ReleaseProfile p = ReleaseProfile.of(CalicoRelease.parse(release).orElseThrow());
        assertEquals(ipip, p.enablesIpipInFelix());
        assertEquals(vxlan, p.enablesVxlanInFelix());
        assertEquals(bareIs32, !p.bareIpv4BorrowsInterfacePrefix());
        assertEquals(cidrNone, p.poolCidrNoneSkips());
        assertEquals(bgpExport, p.readsPoolDisableBgpExport());
    }

    @ParameterizedTest(name = "{0}: excludes kube-ipvs0 {1}, cni0 {2}, wlo1 {3}, br-1 {4}")
    @CsvSource({"v2.6.0, false, false, true, false", "v2.6.2, true, false, true, false",
        "v3.14.2, true, false, true, false", "v3.15.0, true, true, true, false", "v3.23.3, true, true, true, false",
        "v3.23.4, true, true, false, false", "v3.24.2, true, true, true, false", "v3.24.3, true, true, false, false",
        "v3.25.0, true, true, false, true"})
    void exclusions(String release, boolean kubeIpvs, boolean cni, boolean wlo1, boolean br) {
        List<Pattern> list = ReleaseProfile.of(CalicoRelease.parse(release).orElseThrow())
                .defaultInterfaceExclusions();
        assertEquals(kubeIpvs, excluded(list, "kube-ipvs0"));
        assertEquals(cni, excluded(list, "cni0"));
        assertEquals(wlo1, excluded(list, "wlo1"));
        assertEquals(br, excluded(list, "br-1"));
        assertTrue(excluded(list, "lo"));
        assertFalse(excluded(list, "eth0"));
    }

    private static boolean excluded(List<Pattern> list, String name) {
        return list.stream().anyMatch(p -> p.matcher(name).find());
    }

    @Test
    void twoSixAcceptsOnlyItsIpipModes() {
        ReleaseProfile p = ReleaseProfile.of(CalicoRelease.DEFAULT_V2);
        for (String ok : List.of("", "off", "always", "cross-subnet")) {
            assertTrue(p.acceptsIpipValue(ok), ok);
        }
        for (String no : List.of("never", "crosssubnet", "Always")) {
            assertFalse(p.acceptsIpipValue(no), no);
        }
    }

    @Test
    void defaultPoolSelectionUsesOnlyIpv4HostAddresses() {
        ReleaseProfile p = ReleaseProfile.of(CalicoRelease.NEWEST_V3);
        CidrAddress preferred = CidrAddress.parse("192.168.0.0/16").orElseThrow();
        List<CidrAddress> all172 = new java.util.ArrayList<>(List.of(CidrAddress.parse("192.168.0.1/24").orElseThrow()));
        for (int i = 16; i <= 31; i++) {
            all172.add(CidrAddress.parse("172." + i + ".0.1/24").orElseThrow());
        }
        assertEquals(preferred, p.defaultIpv4Pool(preferred, all172), "nothing free: the preferred pool anyway");
        assertEquals(preferred, p.defaultIpv4Pool(preferred, List.of(CidrAddress.parse("fd00::1/64").orElseThrow())));
    }
}
