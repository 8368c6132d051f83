package org.calicostartup.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;
import org.calicostartup.StartupException;
import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeName;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.CidrAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** calico-node v3's address rules as a table: setting × stored × what the host offers → result. */
class AddressResolutionUnitTest {

    @ParameterizedTest(name = "IP={0} IP6={1} stored={2}/{3} host={4}/{5} -> {6}/{7} changed={8} fails={9} clears={10}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // IP        | IP6        | stored v4    | stored v6   | host v4      | host v6     | v4 after     | v6 after    | chg | fail | clear
        "''          | ''         | -            | -           | 10.0.0.11/24 | -           | 10.0.0.11/24 | -           | true  | false | false",
        "''          | ''         | 10.0.0.5/24  | -           | 10.0.0.11/24 | -           | 10.0.0.5/24  | -           | false | false | false",
        "''          | ''         | 10.0.0.5/24  | fd00::5/64  | 10.0.0.11/24 | fd00::11/64 | 10.0.0.5/24  | fd00::5/64  | false | false | false",
        "''          | ''         | -            | -           | FAIL         | -           | -            | -           | false | true  | false",
        "autodetect  | ''         | 10.0.0.5/24  | -           | 10.0.0.11/24 | -           | 10.0.0.11/24 | -           | true  | false | false",
        "autodetect  | ''         | 10.0.0.11/24 | -           | 10.0.0.11/24 | -           | 10.0.0.11/24 | -           | false | false | false",
        "autodetect  | ''         | 10.0.0.11/24 | -           | 10.0.0.11/16 | -           | 10.0.0.11/16 | -           | true  | false | false",
        // node/pkg/lifecycle/startup/startup.go@v3.22.1 configureIPsAndSubnets: a failed detection keeps what is stored
        "autodetect  | ''         | 10.0.0.11/24 | -           | FAIL         | -           | 10.0.0.11/24 | -           | false | false | false",
        "autodetect  | ''         | -            | -           | FAIL         | -           | -            | -           | false | true  | false",
        "none        | ''         | 10.0.0.5/24  | -           | 10.0.0.11/24 | -           | 10.0.0.5/24  | -           | false | false | false",
        "none        | ''         | -            | -           | 10.0.0.11/24 | -           | -            | -           | false | true  | false",
        "none        | autodetect | -            | -           | -            | fd00::11/64 | -            | fd00::11/64 | true  | false | false",
        "10.0.0.9/24 | ''         | 10.0.0.5/24  | -           | 10.0.0.9/24  | -           | 10.0.0.9/24  | -           | true  | false | false",
        "autodetect  | autodetect | 10.0.0.5/24  | fd00::5/64  | 10.0.0.5/24  | FAIL        | 10.0.0.5/24  | fd00::5/64  | false | false | false",
        "autodetect  | autodetect | 10.0.0.5/24  | -           | 10.0.0.5/24  | FAIL        | 10.0.0.5/24  | -           | false | true  | false",
        "autodetect  | fd00::9/64 | -            | -           | 10.0.0.5/24  | fd00::9/64  | 10.0.0.5/24  | fd00::9/64  | true  | false | false",
    })
    void resolves(String ip, String ip6, String storedV4, String storedV6, String hostV4, String hostV6,
            String afterV4, String afterV6, boolean changed, boolean fails, boolean clears) {
        NodeSettings settings = settings(setting(ip.trim()), setting(ip6.trim()), "bird");
        StoredAddresses stored = new StoredAddresses(cidr(storedV4), cidr(storedV6));
        Candidates candidates = new Candidates(candidate(hostV4), candidate(hostV6));

        AddressResolution result = AddressResolution.resolve(settings, stored, candidates);

        assertEquals(new StoredAddresses(cidr(afterV4), cidr(afterV6)), result.addresses());
        assertEquals(changed, result.changed());
        assertEquals(fails, result.failure().isPresent(), result.failure().map(Throwable::getMessage).orElse(""));
        assertFalse(clears, "no release clears an address because detection failed");
    }

    @org.junit.jupiter.api.Test
    void autodetectionFailureUsesCalicosWording() {
        AddressResolution result = AddressResolution.resolve(settings(AddressSetting.KEEP, AddressSetting.KEEP, "bird"),
                StoredAddresses.NONE, new Candidates(candidate("FAIL"), candidate(null)));
        StartupException failure = result.failure().orElseThrow();
        assertEquals(StartupException.Reason.AUTODETECTION, failure.reason());
        assertTrue(failure.getMessage().startsWith("Couldn't autodetect an IPv4 address. If auto-detecting, choose a "
                + "different autodetection method. Otherwise provide an explicit address. (no valid"),
                failure.getMessage());
    }

    @org.junit.jupiter.api.Test
    void backendNoneLeavesAddressesAlone() {
        AddressResolution result = AddressResolution.resolve(settings(AddressSetting.AUTODETECT, AddressSetting.KEEP,
                "none"), StoredAddresses.NONE, new Candidates(candidate("FAIL"), candidate(null)));
        assertFalse(result.changed());
        assertTrue(result.failure().isEmpty());
    }

    private static NodeSettings settings(AddressSetting ipv4, AddressSetting ipv6, String backend) {
        return new NodeSettings(new NodeName("node-a", "test"), ipv4, ipv6, new AutodetectionMethod.FirstFound(),
                new AutodetectionMethod.FirstFound(), OptionalLong.empty(), Optional.empty(), false, backend);
    }

    private static AddressSetting setting(String value) {
        return switch (value) {
            case "" -> AddressSetting.KEEP;
            case "autodetect" -> AddressSetting.AUTODETECT;
            case "none" -> AddressSetting.NONE;
            default -> AddressSetting.fixed(CidrAddress.parse(value).orElseThrow(), true);
        };
    }

    private static Candidates.Candidate candidate(String value) {
        if (value == null) {
            return new Candidates.Candidate(Optional.empty(), Optional.empty());
        }
        if (value.equals("FAIL")) {
            return new Candidates.Candidate(Optional.empty(), Optional.of(new StartupException(
                    StartupException.Reason.AUTODETECTION, "no valid IPv4 addresses found on the host interfaces")));
        }
        return new Candidates.Candidate(CidrAddress.parse(value), Optional.empty());
    }

    private static Optional<CidrAddress> cidr(String value) {
        return value == null ? Optional.empty() : CidrAddress.parse(value);
    }
}
