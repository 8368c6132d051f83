package org.calicostartup.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code demo} end to end with small sizes: a real local etcd, the latency proxy, all four modes. */
class DemoTest {

    @Test
    void demoRunsAllFourModesAndPrintsTheTable() {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = DemoMain.execute("--nodes", "3", "--rtt-ms", "20");
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        for (String mode : new String[] {"calico26", "fastV2", "calico3", "fastV3"}) {
            assertTrue(Pattern.compile("(?m)^" + mode + " +etcdv[23] +[0-9.]+ s +\\d+ +\\d+ +\\d+  fits$")
                    .matcher(printed).find(), mode + " row in:\n" + printed);
        }
        assertTrue(printed.contains("restarts the pod ≈ 61 s after it starts"), printed);
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, DemoMain.execute("--nodes", "many"));
    }
}
