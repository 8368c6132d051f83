package org.calicostartup.etcdv3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.calicostartup.StartupException;
import org.calicostartup.StartupReport;
import org.junit.jupiter.api.Test;

/** Nodes starting at the same moment: IP ownership is decided by etcd transactions, not by luck. */
class ConcurrentStartupTest extends SharedEtcdV3Test {

    @Test
    void tenNodesWithOneAddressExactlyOneWins() throws Exception {
        List<Outcome> outcomes = startTogether(10, i -> "10.0.0.99/24");
        List<Outcome> winners = outcomes.stream().filter(o -> o.report() != null).toList();
        assertEquals(1, winners.size(), outcomes.toString());
        String winner = winners.get(0).name();
        for (Outcome loser : outcomes) {
            if (loser.report() == null) {
                assertEquals(StartupException.Reason.IP_CONFLICT, loser.failure().reason(), loser.toString());
                assertEquals("Calico node '" + winner + "' is already using the IPv4 address 10.0.0.99.",
                        loser.failure().getMessage());
                assertTrue(etcd.get(V3Keys.node(loser.name())).isEmpty(), "loser " + loser.name() + " not written");
            }
        }
        assertEquals("{\"node\":\"" + winner + "\"}", etcd.get(V3Keys.CLAIMS + "ipv4/10.0.0.99").orElseThrow());
    }

    @Test
    void fiftyNodesWithDistinctAddressesAllSucceedWithoutRetrying() throws Exception {
        etcd.seedNodes(500, 800);
        List<Outcome> outcomes = startTogether(50, i -> "10.1." + (i / 200) + "." + (i % 200 + 1) + "/16");
        int retries = 0;
        for (Outcome outcome : outcomes) {
            assertTrue(outcome.report() != null, outcome.toString());
            retries += outcome.report().retries();
            assertEquals(2, outcome.report().io().roundTrips() - outcome.report().retries() * 2L,
                    outcome.report().summary());
        }
        assertEquals(0, retries, "unrelated nodes must not make each other retry");
        for (int i = 0; i < 50; i++) {
            String ip = "10.1." + (i / 200) + "." + (i % 200 + 1);
            assertEquals(ip + "/16", etcd.json(V3Keys.node("racer-" + i)).path("spec").path("bgp")
                    .path("ipv4Address").asText());
            assertEquals("{\"node\":\"racer-" + i + "\"}", etcd.get(V3Keys.CLAIMS + "ipv4/" + ip).orElseThrow());
        }
        assertEquals(1, etcd.dump().keySet().stream().filter(k -> k.startsWith(V3Keys.IPPOOLS)).count());
        assertEquals(550, etcd.dump().keySet().stream().filter(k -> k.startsWith(V3Keys.NODES)).count());
    }

    private List<Outcome> startTogether(int count, java.util.function.IntFunction<String> address)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "racer-" + i;
                String cidr = address.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        return new Outcome(name, etcd.start(etcd.env(name), EtcdV3Fixture.host(cidr)), null);
                    } catch (StartupException e) {
                        return new Outcome(name, null, e);
                    }
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS));
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get(120, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private record Outcome(String name, StartupReport report, StartupException failure) {
        @Override
        public String toString() {
            return name + ": " + (report != null ? report.summary() : failure.reason() + " " + failure.getMessage());
        }
    }
}
