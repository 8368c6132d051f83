package org.calicostartup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.spi.IoStats;
import org.junit.jupiter.api.Test;

/** The one-line summary the agent logs at the end of every startup ("Startup complete: ..."). */
class StartupReportUnitTest {

    private static StartupReport report(boolean nodeCreated, List<String> created, List<String> updated) {
        Map<String, Duration> phases = new LinkedHashMap<>();
        phases.put("autodetect", Duration.ofMillis(3));
        phases.put("read", Duration.ofMillis(41));
        return new StartupReport("node-1", DatastoreType.ETCDV3, StartupMode.FAST,
                new NodeAddresses(Optional.empty(), Optional.empty()),
                new NodeAddresses(Optional.of("10.0.0.1/24"), Optional.empty()), nodeCreated, created, updated,
                true, List.of(), phases, new IoStats.Counts(2, 6, 1_003_809, 1144), 1, Duration.ofMillis(1234),
                "v3.32.1");
    }

    @Test
    void summarisesWhatTheStartupDidAndCost() {
        assertEquals("node node-1 created (IPv4=10.0.0.1/24 IPv6=none) in 1234 ms (autodetect 3 ms, read 41 ms): 2 "
                + "round trips, 6 requests, 1144 keys / 1003809 bytes read, 1 retries, as calico-node v3.32.1",
                report(true, List.of("/calico/resources/v3/projectcalico.org/nodes/node-1"), List.of()).summary());
        assertEquals("node node-1 updated", report(false, List.of(), List.of("k")).summary().substring(0, 19));
        assertEquals("node node-1 unchanged (nothing written) (", report(false, List.of(), List.of()).summary()
                .substring(0, 41));
    }
}
