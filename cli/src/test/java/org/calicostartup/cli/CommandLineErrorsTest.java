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
}
