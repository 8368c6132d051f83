package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which listed keys are one node's: the node prefix and one non-empty segment without "/", as Calico filters them. */
class V3KeysUnitTest {

    /** What {@link V3Keys#nodeName} replaced (a regex match per listed node). */
    private static final Pattern NODE_KEY = Pattern.compile("^/calico/resources/v3/projectcalico[.]org/nodes/([^/]+)$");

    @Test
    void aNodeKeyGivesItsName() {
        assertEquals(Optional.of("node-a"), V3Keys.nodeName(V3Keys.node("node-a")));
        assertEquals(Optional.of("AMZ-IAD12-OpsResPool-13-33"), V3Keys.nodeName(V3Keys.NODES
                + "AMZ-IAD12-OpsResPool-13-33"));
        assertEquals(Optional.of("a\n"), V3Keys.nodeName(V3Keys.NODES + "a\n"), "a name is taken as stored");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/calico/resources/v3/projectcalico.org/nodes/",
        "/calico/resources/v3/projectcalico.org/nodes/a/b", "/calico/resources/v3/projectcalico.org/nodes/a/",
        "/calico/resources/v3/projectcalicoXorg/nodes/a", "/calico/resources/v3/projectcalico.org/nodesa",
        "/calico/resources/v3/projectcalico.org/ippools/a", "calico/resources/v3/projectcalico.org/nodes/a",
        "//calico/resources/v3/projectcalico.org/nodes/a"})
    void otherKeysAreNoNode(String key) {
        assertEquals(Optional.empty(), V3Keys.nodeName(key));
        assertEquals(Optional.empty(), regex(key));
    }

    /** The same answer as the regex on keys built from the characters that matter. */
    @Test
    void sameAsTheRegexOnRandomKeys() {
        String[] parts = {V3Keys.NODES, V3Keys.RESOURCES, "/", "a", ".", "\n", "nodes", "é", "", "/nodes/"};
        Random random = new Random(15);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder key = new StringBuilder();
            for (int n = random.nextInt(5); n >= 0; n--) {
                key.append(parts[random.nextInt(parts.length)]);
            }
            assertEquals(regex(key.toString()), V3Keys.nodeName(key.toString()), "key \"" + key + "\"");
        }
    }

    private static Optional<String> regex(String key) {
        Matcher matcher = NODE_KEY.matcher(key);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
