package org.calicostartup.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrAddressUnitTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.11,        10.0.0.11/32,   10.0.0.11/32",
        "10.0.0.11/24,     10.0.0.11/24,   10.0.0.0/24",
        "0.0.0.0/0,        0.0.0.0/0,      0.0.0.0/0",
        "fd00::2,          fd00::2/128,    fd00::2/128",
        "FD00:0:0::2/64,   fd00::2/64,     fd00::/64",
        "2001:db8::1:0:0:1/48, 2001:db8::1:0:0:1/48, 2001:db8::/48",
    })
    void parsesKeepsHostAndMasks(String text, String parsed, String network) {
        CidrAddress address = CidrAddress.parse(text).orElseThrow();
        assertEquals(parsed, address.toString());
        assertEquals(network, address.network().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.256", "10.0.0.1/33", "fd00::1/129", "10.0.0.1/", "10.0.0.1/-1",
        "10.0.0.1/+8", "localhost", "example.com", "fe80::1%eth0", "10.0.0.1/24/1", " 10.0.0.1", "10.0.0.1/0024",
        "/24", "10.0.0.1/\u0662\u0664", "10.0.0.1/2 ", "::ffff:10.0.0.1:1/64"})
    void rejectsWhatIsNotALiteral(String text) {
        assertTrue(CidrAddress.parse(text).isEmpty(), text);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.1/8, true", "192.168.1.1/24, true", "fd00::2/64, true", "2001:db8::1/64, true",
        "127.0.0.1/8, false", "::1/128, false", "169.254.0.5/16, false", "fe80::1/64, false",
        "224.0.0.1/4, false", "ff02::1/16, false", "0.0.0.0/0, false", "::/0, false", "255.255.255.255/32, false",
    })
    void globalUnicastAsGoDefinesIt(String text, boolean expected) {
        assertEquals(expected, CidrAddress.parse(text).orElseThrow().isGlobalUnicast(), text);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.200.3.4, true", "10.0.0.0/8, 11.0.0.1, false", "fd00::/64, fd00::99, true",
        "fd00::/64, fd00:0:0:1::1, false", "10.0.0.0/8, fd00::1, false", "0.0.0.0/0, 1.2.3.4, true",
    })
    void containment(String network, String ip, boolean expected) {
        CidrAddress cidr = CidrAddress.parse(network).orElseThrow();
        assertEquals(expected, cidr.contains(CidrAddress.parseAddress(ip).orElseThrow()));
    }

    @org.junit.jupiter.api.Test
    void networkContainsNetwork() {
        CidrAddress pool = CidrAddress.parse("192.168.0.0/16").orElseThrow();
        assertTrue(pool.contains(CidrAddress.parse("192.168.3.0/24").orElseThrow()));
        assertFalse(pool.contains(CidrAddress.parse("192.0.0.0/8").orElseThrow()));
    }
}
