package org.calicostartup.autodetect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.calicostartup.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AutodetectionMethodUnitTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                           | first-found",
        "first-found                  | first-found",
        "interface=eth0               | interface=eth0",
        "interface=eth.* ,  ens[0-9]+ | interface=eth.*,ens[0-9]+",
        "skip-interface=docker.*      | skip-interface=docker.*",
        "can-reach=8.8.8.8            | can-reach=8.8.8.8",
        "can-reach=www.example.com    | can-reach=www.example.com",
        "can-reach=2001:4860::8888    | can-reach=2001:4860::8888",
        "cidr=10.0.0.0/8, 192.168.1.7/24 | cidr=10.0.0.0/8,192.168.1.7/24",
    })
    void parses(String value, String text) {
        assertEquals(text, AutodetectionMethod.parse("IP_AUTODETECTION_METHOD", value).text());
    }

    @Test
    void cidrMethodCarriesItsNetworks() {
        AutodetectionMethod.Cidrs cidrs = assertInstanceOf(AutodetectionMethod.Cidrs.class,
                AutodetectionMethod.parse("IP_AUTODETECTION_METHOD", "cidr=10.0.0.0/8,fd00::/64"));
        assertEquals(2, cidrs.cidrs().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth1", "first_found", "First-Found", "first-found ", "interfaces=eth0", "can_reach=x",
        "cidr", "mystery"})
    void unknownMethodListsTheValidOnes(String value) {
        StartupException e = assertThrows(StartupException.class,
                () -> AutodetectionMethod.parse("IP6_AUTODETECTION_METHOD", value));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().startsWith("Invalid IP autodetection method in IP6_AUTODETECTION_METHOD: \""),
                e.getMessage());
        for (String method : new String[] {"first-found", "interface=", "skip-interface=", "can-reach=", "cidr="}) {
            assertTrue(e.getMessage().contains(method), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "interface=eth[0          | \"eth[0\" is not one",
        "skip-interface=eth0,     | non-empty regular expressions",
        "interface=               | non-empty regular expressions",
        "cidr=10.0.0.0/33         | invalid CIDR \"10.0.0.0/33\"",
        "cidr=10.0.0.1            | invalid CIDR \"10.0.0.1\"",
        "cidr=10.0.0.0/8,,        | invalid CIDR \"\"",
        "can-reach=               | can-reach= followed by an IP address or a host name",
        "can-reach=a b            | can-reach= followed by an IP address or a host name",
        "kubernetes-internal-ip   | kubernetes-internal-ip is not supported",
    })
    void invalidArgumentsNameTheVariableAndValue(String value, String detail) {
        StartupException e = assertThrows(StartupException.class,
                () -> AutodetectionMethod.parse("IP_AUTODETECTION_METHOD", value));
        assertTrue(e.getMessage().contains("IP_AUTODETECTION_METHOD"), e.getMessage());
        assertTrue(e.getMessage().contains(StartupException.quote(value)), e.getMessage());
        assertTrue(e.getMessage().contains(detail.trim()), e.getMessage());
    }
}
