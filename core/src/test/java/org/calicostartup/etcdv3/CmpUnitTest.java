package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Cmp#otherwise}: for every state of the keys, exactly one group holds when the conditions do not all hold,
 * and none when they do — checked against etcd's comparison rules (a value comparison on a missing key fails),
 * modelled here over every combination of missing / ours / another's.
 */
class CmpUnitTest {

    private static final byte[] OURS = "{\"node\":\"node-a\"}".getBytes(StandardCharsets.UTF_8);
    private static final List<Optional<String>> STATES = List.of(Optional.empty(),
            Optional.of("{\"node\":\"node-a\"}"), Optional.of("{\"node\":\"node-b\"}"));

    @Test
    void oneClaimGivesTwoGroups() {
        List<List<Cmp>> groups = Cmp.otherwise(List.of(Cmp.value("c4", OURS)));
        assertEquals(2, groups.size());
        for (Optional<String> c4 : STATES) {
            assertExactlyOne(List.of(Cmp.value("c4", OURS)), groups, Map.of("c4", c4));
        }
    }

    @Test
    void twoClaimsAndANodeThatMustExist() {
        List<Cmp> conditions = List.of(Cmp.value("c4", OURS), Cmp.value("c6", OURS), Cmp.exists("node"));
        List<List<Cmp>> groups = Cmp.otherwise(conditions);
        assertEquals(5, groups.size());
        for (Optional<String> c4 : STATES) {
            for (Optional<String> c6 : STATES) {
                for (Optional<String> node : List.of(Optional.<String>empty(), Optional.of("{}"))) {
                    assertExactlyOne(conditions, groups, Map.of("c4", c4, "c6", c6, "node", node));
                }
            }
        }
    }

    @Test
    void noConditionsMeanNoGroups() {
        assertEquals(List.of(), Cmp.otherwise(List.of()));
    }

    @Test
    void aConditionWithoutANegationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Cmp.otherwise(List.of(Cmp.modRevision("k", 7))));
    }

    private static void assertExactlyOne(List<Cmp> conditions, List<List<Cmp>> groups,
            Map<String, Optional<String>> state) {
        boolean all = conditions.stream().allMatch(c -> holds(c, state));
        long holding = groups.stream().filter(g -> g.stream().allMatch(c -> holds(c, state))).count();
        assertEquals(all ? 0 : 1, holding, state + " with " + conditions);
    }

    /** etcd's rule (applyCompare, etcdserver/apply.go @v3.4.23): a value comparison on a missing key fails. */
    private static boolean holds(Cmp cmp, Map<String, Optional<String>> state) {
        Optional<String> value = state.get(cmp.key());
        long version = value.isPresent() ? 1 : 0;
        return switch (cmp.target()) {
            case VERSION -> cmp.relation() == Cmp.Relation.EQUAL ? version == cmp.number() : version > cmp.number();
            case VALUE -> value.isPresent() && (cmp.relation() == Cmp.Relation.EQUAL)
                    == value.get().equals(new String(cmp.bytes(), StandardCharsets.UTF_8));
            case MOD_REVISION -> throw new IllegalArgumentException("not modelled");
        };
    }
}
