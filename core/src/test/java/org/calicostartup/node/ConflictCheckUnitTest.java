package org.calicostartup.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.node.ConflictCheck.ListedNode;
import org.junit.jupiter.api.Test;

class ConflictCheckUnitTest {

    private static final StoredAddresses OURS = new StoredAddresses(CidrAddress.parse("10.0.0.11/24"),
            CidrAddress.parse("fd00::11/64"));

    @Test
    void theSameIpWithAnotherPrefixOnAnotherNodeIsAConflict() {
        List<ConflictCheck.Conflict> conflicts = ConflictCheck.find("node-a", OURS,
                List.of(node("node-b", "10.0.0.11", null), node("node-c", "10.0.0.12", "fd00::11")));
        assertEquals(List.of("Calico node 'node-b' is already using the IPv4 address 10.0.0.11.",
                "Calico node 'node-c' is already using the IPv6 address fd00::11."),
                conflicts.stream().map(ConflictCheck.Conflict::message).toList());
    }

    @Test
    void ourOwnEntryIsNeverAConflict() {
        assertEquals(List.of(), ConflictCheck.find("node-a", OURS,
                List.of(node("node-a", "10.0.0.11", "fd00::11"), node("node-a", "10.0.0.99", null))));
    }

    @Test
    void nodesWithoutAddressesAndOursWithoutAnAddressNeverConflict() {
        assertEquals(List.of(), ConflictCheck.find("node-a", new StoredAddresses(Optional.empty(),
                CidrAddress.parse("fd00::11/64")), List.of(node("node-b", "10.0.0.11", null), node("node-c", null,
                null))));
    }

    private static ListedNode node(String name, String v4, String v6) {
        return new ListedNode(name, Optional.ofNullable(v4).flatMap(CidrAddress::parseAddress),
                Optional.ofNullable(v6).flatMap(CidrAddress::parseAddress));
    }
}
