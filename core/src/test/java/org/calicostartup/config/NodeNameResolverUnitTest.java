package org.calicostartup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.profile.ReleaseProfile.Naming;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * calico v3 node-name precedence per release ({@code DetermineNodeName}, node/pkg/lifecycle/utils/utils.go@v3.22.1;
 * {@code determineNodeName}, calico_node/startup/startup.go@v3.0.1 and @v3.1.0) and the RFC 1123 rule that keeps every
 * key inside the node's subtree.
 */
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

    /** The file as it is: {@code NodenameFromFile} returns {@code string(data)} (node/pkg/lifecycle/utils/utils.go@v3.22.1). */
    @Test
    void thenTheNodenameFileAsItIs() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "from-file");
        NodeName name = resolve(Map.of("NODENAME", "  ", "HOSTNAME", "host-b"), "os-c");
        assertEquals("from-file", name.value());
        assertTrue(name.source().contains(tmp.resolve("nodename").toString()));
    }

    /** calico-node keeps the newline in the name, and its node fails validation: refused here, the file named. */
    @Test
    void aNodenameFileEndingInANewlineIsRefusedAsCalicoNodeWouldFail() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "from-file\n");
        StartupException e = assertThrows(StartupException.class, () -> resolve(Map.of("HOSTNAME", "h"), "os"));
        assertTrue(e.getMessage().startsWith("Invalid node name \"from-file\\n\" from the nodename file "
                + tmp.resolve("nodename") + ", which calico-node uses as it is"), e.getMessage());
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

    /** {@code if nodeName = NodenameFromFile(); nodeName != ""} (utils.go@v3.22.1): an empty file is passed over. */
    @Test
    void anEmptyNodenameFileIsPassedOverAsCalicoNodeDoes() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "");
        assertEquals("h", resolve(Map.of("HOSTNAME", "h"), "os").value());
    }

    @Test
    void aNodenameFileOfWhiteSpaceIsAnInvalidName() throws Exception {
        Files.writeString(tmp.resolve("nodename"), " \n");
        StartupException e = assertThrows(StartupException.class, () -> resolve(Map.of("HOSTNAME", "h"), "os"));
        assertTrue(e.getMessage().contains("from the nodename file " + tmp.resolve("nodename")), e.getMessage());
    }

    // ------------------------------------------------------------------------------ per release (Naming)

    /** v3.0 uses HOSTNAME as it is (determineNodeName, calico_node/startup/startup.go@v3.0.1): upper case is refused. */
    @Test
    void v30UsesHostnameAsItIsSoUpperCaseIsRefused() {
        StartupException e = assertThrows(StartupException.class, () ->
                resolve(Map.of("HOSTNAME", "AMZ-IAD12-OpsResPool-13-33"), "os", Naming.AS_GIVEN));
        assertEquals(StartupException.Reason.CONFIGURATION, e.reason());
        assertTrue(e.getMessage().startsWith("Invalid node name \"AMZ-IAD12-OpsResPool-13-33\" from HOSTNAME, which "
                + "calico-node v3.0 uses as it is (it lower-cases and trims it from v3.1)"), e.getMessage());
        assertEquals("amz-iad12-opsrespool-13-33",
                resolve(Map.of("HOSTNAME", "AMZ-IAD12-OpsResPool-13-33"), "os", Naming.DEFAULT_FILE).value());
    }

    @Test
    void v30UsesNodenameUntrimmedAndNoNodenameFile() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "from-file");
        assertEquals("host-b", resolve(Map.of("HOSTNAME", "host-b"), "os", Naming.AS_GIVEN).value());
        assertEquals("node-a", resolve(Map.of("NODENAME", "node-a"), "os", Naming.AS_GIVEN).value());
        StartupException e = assertThrows(StartupException.class,
                () -> resolve(Map.of("NODENAME", "node-a "), "os", Naming.AS_GIVEN));
        assertTrue(e.getMessage().contains("from NODENAME, which calico-node v3.0 uses as it is"), e.getMessage());
        assertEquals("os-c", resolve(Map.of(), " OS-C\n", Naming.AS_GIVEN).value());
    }

    /** v3.1–v3.3 read /var/lib/calico/nodename whatever CALICO_NODENAME_FILE says (pkg/startup/startup.go@v3.3.0). */
    @Test
    void v31ToV33ReadTheDefaultNodenameFileWhateverTheVariableSays() throws Exception {
        Files.writeString(tmp.resolve("nodename"), "from-variable");
        Files.writeString(tmp.resolve("default-nodename"), "from-default");
        assertEquals("from-default", resolve(Map.of("HOSTNAME", "h"), "os", Naming.DEFAULT_FILE).value());
        assertEquals("from-variable", resolve(Map.of("HOSTNAME", "h"), "os", Naming.FILE_VARIABLE).value());
        NodeNaming naming = naming(Map.of());
        assertEquals(tmp.resolve("default-nodename"), naming.nodenameFile(Naming.DEFAULT_FILE));
        assertEquals(tmp.resolve("nodename"), naming.nodenameFile(Naming.FILE_VARIABLE));
    }

    @Test
    void onARealHostTheDefaultFileIsVarLibCalicoNodename() {
        Optional<Path> configured = Optional.of(tmp.resolve("nodename"));
        NodeNaming real = NodeNaming.fromEnvironment(new EnvironmentReader(Map.of()), configured,
                NodeNameResolver.system());
        assertEquals(Path.of("/var/lib/calico/nodename"), real.nodenameFile(Naming.DEFAULT_FILE));
        assertEquals(tmp.resolve("nodename"), real.nodenameFile(Naming.FILE_VARIABLE));
        // A simulated host keeps to the file it was given, for every release.
        NodeNaming simulated = NodeNaming.fromEnvironment(new EnvironmentReader(Map.of()), configured,
                new NodeNameResolver(() -> "os"));
        assertEquals(tmp.resolve("nodename"), simulated.nodenameFile(Naming.DEFAULT_FILE));
    }

    @Test
    void aGivenNameIsTheSameForEveryRelease() {
        NodeNaming given = NodeNaming.given(new NodeName("node-a", "the agent"), tmp.resolve("nodename"));
        for (Naming naming : Naming.values()) {
            assertEquals("node-a", given.resolve(naming).value());
            assertEquals(tmp.resolve("nodename"), given.nodenameFile(naming));
        }
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
        return resolve(env, osHostname, Naming.FILE_VARIABLE);
    }

    private NodeName resolve(Map<String, String> env, String osHostname, Naming naming) {
        return NodeNaming.fromEnvironment(new EnvironmentReader(env), Optional.of(tmp.resolve("nodename")),
                new NodeNameResolver(() -> osHostname, tmp.resolve("default-nodename"))).resolve(naming);
    }

    private NodeNaming naming(Map<String, String> env) {
        return NodeNaming.fromEnvironment(new EnvironmentReader(env), Optional.of(tmp.resolve("nodename")),
                new NodeNameResolver(() -> "os", tmp.resolve("default-nodename")));
    }
}
