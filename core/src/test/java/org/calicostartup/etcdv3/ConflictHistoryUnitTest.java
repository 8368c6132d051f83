package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The history check itself finds what it must find: so the randomized test can fail. */
class ConflictHistoryUnitTest {

    @Test
    void twoCalicoStartupNodesOnOneAddressAreFound() {
        ConflictHistory history = new ConflictHistory();
        history.registered("a", "10.0.0.1/24", 5, 10);
        history.registered("b", "10.0.0.1/24", 8, 12);
        List<String> violations = history.violations();
        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains("a and b both hold 10.0.0.1/24 at revision 12"), violations.toString());
    }

    @Test
    void aMovedAwayCalicoStartupNodeIsNoConflict() {
        ConflictHistory history = new ConflictHistory();
        history.registered("a", "10.0.0.1/24", 5, 10);
        history.registered("a", "10.0.0.2/24", 11, 11);
        history.registered("b", "10.0.0.1/24", 11, 12);
        assertEquals(List.of(), history.violations());
    }

    @Test
    void aClaimLessNodeHeldBeforeTheReadIsFound() {
        ConflictHistory history = new ConflictHistory();
        history.claimLess("c", "10.0.0.1/24", 3);
        history.registered("a", "10.0.0.1/24", 5, 10);
        List<String> violations = history.violations();
        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains("c (written without claims) held it since revision 3"),
                violations.toString());
    }

    @Test
    void aRestartWithTheAddressItHadIsNotCheckedAsCalicoDoesNot() {
        ConflictHistory history = new ConflictHistory();
        history.registered("a", "10.0.0.1/24", 1, 2);
        history.claimLess("c", "10.0.0.1/24", 3);
        history.registered("a", "10.0.0.1/24", 5, 10);
        assertEquals(List.of(), history.violations());
    }

    @Test
    void aClaimLessWriteAfterTheReadStartedIsCalicosOwnWindow() {
        ConflictHistory history = new ConflictHistory();
        history.claimLess("c", "10.0.0.1/24", 7);
        history.registered("a", "10.0.0.1/24", 5, 10);
        assertEquals(List.of(), history.violations());
    }

    @Test
    void aClaimLessNodeDeletedBeforeTheWriteIsNoConflict() {
        ConflictHistory history = new ConflictHistory();
        history.claimLess("c", "10.0.0.1/24", 3);
        history.claimLess("c", null, 6);
        history.registered("a", "10.0.0.1/24", 5, 10);
        assertEquals(List.of(), history.violations());
    }
}
