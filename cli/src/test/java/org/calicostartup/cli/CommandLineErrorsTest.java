package org.calicostartup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command-line mistakes exit 2 with a message naming the option, never a stack trace (issue 12). */
class CommandLineErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "run --health-port 99999          | --health-port",
        "run --health-port 0              | --health-port",
        "run --health-port eighty         | --health-port",
        "run --stall-threshold -1         | --stall-threshold",
        "run --no-such-option             | --no-such-option",
        "run --mode sometimes             | --mode",
        "diagnose --samples many          | --samples",
        "no-such-command                  | no-such-command",
    })
    void exitTwoNamingTheOption(String line, String named) {
        Map<String, String> env = Map.of("ETCD_ENDPOINTS", "http://127.0.0.1:1", "NODENAME", "node-a",
                "ETCD_PASSWORD", "s3cr3t-cli-pw", "ETCD_USERNAME", "u");
        CliFixture.Result result = CliFixture.inProcess(env, line.trim().split(" +"));
        String output = result.out() + result.err();
        assertEquals(ExitCodes.CONFIGURATION, result.code(), output);
        assertTrue(output.contains(named.trim()), output);
        assertFalse(output.contains("\tat ") || output.contains("Exception"), "no stack trace: " + output);
        assertFalse(output.contains("s3cr3t-cli-pw"), output);
    }

    @org.junit.jupiter.api.Test
    void noArgumentsPrintsTheUsage() {
        CliFixture.Result result = CliFixture.inProcess(Map.of());
        assertEquals(ExitCodes.OK, result.code(), result.err());
        assertTrue(result.out().contains("Usage: calico-startup") && result.out().contains("run"), result.out());
        assertFalse((result.out() + result.err()).contains("ERROR"), result.out() + result.err());
    }

    /** Each command's first description line is a whole sentence, so the command list never cuts one. */
    @org.junit.jupiter.api.Test
    void commandSummariesAreWholeSentences() {
        picocli.CommandLine line = new picocli.CommandLine(new Main(), new picocli.CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                for (var c : type.getDeclaredConstructors()) {
                    if (c.getParameterCount() == 1) {
                        c.setAccessible(true);
                        return type.cast(c.newInstance(Map.of()));
                    }
                }
                return picocli.CommandLine.defaultFactory().create(type);
            }
        });
        for (picocli.CommandLine sub : line.getSubcommands().values()) {
            String first = sub.getCommandSpec().usageMessage().description()[0];
            assertTrue(first.endsWith("."), sub.getCommandName() + ": " + first);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"run", "show-config", "diagnose"})
    void helpListsTheEnvironmentWithDefaultsUnwrapped(String command) {
        CliFixture.Result result = CliFixture.inProcess(Map.of(), command, "--help");
        assertEquals(ExitCodes.OK, result.code(), result.err());
        for (String variable : new String[] {"ETCD_ENDPOINTS", "CALICO_STARTUP_CALICO_VERSION", "NODENAME", "IP, IP6",
            "CALICO_IPV4POOL_CIDR", "CALICO_STARTUP_REQUEST_TIMEOUT"}) {
            assertTrue(result.out().contains(variable), variable + " in:\n" + result.out());
        }
        for (String line : result.out().split("\n")) {
            assertTrue(line.length() <= 110, "wrapped or too wide: " + line);
            assertFalse(line.startsWith("PKCS#1") || line.startsWith("or an address") || line.startsWith("false)"),
                    "a line was wrapped: " + line);
        }
    }
}
