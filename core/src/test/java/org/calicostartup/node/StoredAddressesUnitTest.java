package org.calicostartup.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.calicostartup.net.CidrAddress;
import org.junit.jupiter.api.Test;

/** Which stored addresses a node gives up, and so which of its IP claims it releases. */
class StoredAddressesUnitTest {

    private static StoredAddresses of(String ipv4, String ipv6) {
        return new StoredAddresses(Optional.ofNullable(ipv4).map(a -> CidrAddress.parse(a).orElseThrow()),
                Optional.ofNullable(ipv6).map(a -> CidrAddress.parse(a).orElseThrow()));
    }

    @Test
    void aPrefixChangeKeepsTheAddress() {
        assertEquals(List.of(), of("10.0.0.1/24", "fd00::1/64").givenUp(of("10.0.0.1/16", "fd00::1/48")));
    }

    @Test
    void anotherAddressOrNoneGivesTheOldOneUpPerFamily() {
        assertEquals(List.of(CidrAddress.parse("10.0.0.1/24").orElseThrow()),
                of("10.0.0.1/24", "fd00::1/64").givenUp(of("10.0.0.2/24", "fd00::1/64")));
        assertEquals(List.of(CidrAddress.parse("10.0.0.1/24").orElseThrow(), CidrAddress.parse("fd00::1/64")
                .orElseThrow()), of("10.0.0.1/24", "fd00::1/64").givenUp(StoredAddresses.NONE));
        assertEquals(List.of(), StoredAddresses.NONE.givenUp(of("10.0.0.1/24", null)));
    }
}
