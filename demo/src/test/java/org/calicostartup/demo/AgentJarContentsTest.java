package org.calicostartup.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The agent's jar (packaged by the cli module before this module's tests run) carries no test code: no harness, no
 * JUnit, no etcd launcher or package installer, no test certificate generator. The demo has them, apart.
 */
class AgentJarContentsTest {

    private static final Path AGENT = Path.of("..", "cli", "target", "calico-startup.jar");

    @Test
    void theAgentJarHasNoTestCode() throws Exception {
        assertTrue(Files.isRegularFile(AGENT), "the cli module packages " + AGENT.toAbsolutePath());
        try (JarFile jar = new JarFile(AGENT.toFile())) {
            List<String> names = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertTrue(names.contains("org/calicostartup/cli/Main.class"));
            for (String forbidden : List.of("org/junit/", "org/calicostartup/testing/", "org/calicostartup/demo/",
                    "net/jqwik/", "org/opentest4j/")) {
                assertFalse(names.stream().anyMatch(n -> n.startsWith(forbidden)), forbidden + " in the agent jar");
            }
            assertFalse(names.stream().anyMatch(n -> n.contains("EtcdInstall")), "no package installer");
        }
    }
}
