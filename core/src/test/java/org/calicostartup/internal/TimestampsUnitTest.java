package org.calicostartup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The hand-made formats against java.time's formatters for the same patterns, over many instants and zones. */
class TimestampsUnitTest {

    private static final DateTimeFormatter LOG = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @Test
    void creationTimestampsAreIsoInstantsInWholeSeconds() {
        assertEquals("1970-01-01T00:00:00Z", Timestamps.utcSeconds(0));
        assertEquals("2018-03-01T07:27:20Z", Timestamps.utcSeconds(1_519_889_240));
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long second = random.nextLong() % 4_000_000_000L + 2_000_000_000L;
            assertEquals(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second)),
                    Timestamps.utcSeconds(second));
        }
    }

    @Test
    void logTimesAreLocalToTheMillisecond() {
        Random random = new Random(11);
        for (String id : new String[] {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
            "Pacific/Chatham", "GMT+05:30"}) {
            TimeZone zone = TimeZone.getTimeZone(id);
            DateTimeFormatter formatter = LOG.withZone(ZoneId.of(id.startsWith("GMT") ? id.substring(3) : id));
            for (int i = 0; i < 5_000; i++) {
                long millis = Math.floorMod(random.nextLong(), 4_000_000_000_000L);
                assertEquals(formatter.format(Instant.ofEpochMilli(millis)),
                        Timestamps.appendLocal(new StringBuilder(), millis, zone).toString(), id + " " + millis);
            }
        }
    }
}
