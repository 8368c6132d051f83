package org.calicostartup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.calicostartup.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** calico v3 node-name precedence and the RFC 1123 rule that keeps every key inside the node's subtree. */
class NodeNameResolverUnitTest {

    @TempDir
    Path tmp;

    @Test
    void nodenameWinsAndIsTrimmed() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "from-file");
        NodeName name = resolve(Map.of("NODENAME", "  node-a \n", "HOSTNAME", "host-b"), "os-c");
        assertEquals("node-a", name.value());
        assertEquals("NODENAME", name.source());
    }

    @Test
    void thenTheNodenameFileTrimmed() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "from-file\n");
        NodeName name = resolve(Map.of("NODENAME", "  ", "HOSTNAME", "host-b"), "os-c");
        assertEquals("from-file", name.value());
        assertTrue(name.source().contains(tmp.resolve("nodename").toString()));
    }

    @Test
    void thenHostnameLowerCased() {
        assertEquals("host-b.example.com", resolve(Map.of("HOSTNAME", " Host-B.Example.COM "), "os-c").value());
    }

    @Test
    void thenTheOsHostnameLowerCased() {
        NodeName name = resolve(Map.of("HOSTNAME", ""), " OS-C\n");
        assertEquals("os-c", name.value());
        assertEquals("the operating system host name", name.source());
    }

    @Test
    void anEmptyNodenameFileIsAnErrorNotASilentFallback() throws Exception {
        Files.writeString(tmp.resolve("nodename"), " \n");
        StartupException e = assertThrows(StartupException.class, () -> resolve(Map.of("HOSTNAME", "h"), "os"));
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void anUnreadableNodenameFileIsNamed() throws Exception {
        Files.createDirectory(tmp.resolve("nodename"));
        StartupException e = assertThrows(StartupException.class, () -> resolve(Map.of("HOSTNAME", "h"), "os"));
        assertTrue(e.getMessage().startsWith("Cannot read the nodename file " + tmp.resolve("nodename")),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-a", "a", "0", "node-a.example.com", "a-b-c.d-e", "10.0.0.1", "x123"})
    void validNames(String name) {
        assertEquals(name, resolve(Map.of("NODENAME", name), "os").value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "a/../../b", "..", ".", "a..b", "%2F", "a%2Fb", "Node-A", "nöde",
        "node\u0000a", "node\u2028a", "-node", "node-", "node_a", "node a", "a.", ".a", "a.-b", "node:1", "a\\b",
        "node\u200ba"})
    void invalidNamesAreRejectedAndNamed(String name) {
        StartupException e = assertThrows(StartupException.class, () -> resolve(Map.of("NODENAME", name), "os"));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().startsWith("Invalid node name " + StartupException.quote(name) + " from NODENAME"),
                e.getMessage());
    }

    @Test
    void newlineInsideANameIsRejectedAndShownEscaped() {
        StartupException e = assertThrows(StartupException.class,
                () -> resolve(Map.of("NODENAME", "node\nevil"), "os"));
        assertTrue(e.getMessage().contains("\"node\\nevil\""), e.getMessage());
    }

    @Test
    void lengthLimitIs253() {
        String label = "a".repeat(63);
        String name253 = String.join(".", label, label, label, "a".repeat(61));
        assertEquals(253, name253.length());
        assertEquals(name253, resolve(Map.of("NODENAME", name253), "os").value());
        StartupException e = assertThrows(StartupException.class,
                () -> resolve(Map.of("NODENAME", name253 + "a"), "os"));
        assertTrue(e.getMessage().contains("254 characters long"), e.getMessage());
    }

    @Test
    void upperCaseHostnameFromTheOsIsLowerCasedNotRejected() {
        assertEquals("worker-7", resolve(new HashMap<>(), "WORKER-7").value());
    }

    @Test
    void invalidOsHostnameIsNamed() {
        StartupException e = assertThrows(StartupException.class, () -> resolve(Map.of(), "bad_host"));
        assertTrue(e.getMessage().contains("from the operating system host name"), e.getMessage());
    }

    private NodeName resolve(Map<String, String> env, String osHostname) {
        return new NodeNameResolver(() -> osHostname).resolve(new EnvironmentReader(env), tmp.resolve("nodename"));
    }
}
