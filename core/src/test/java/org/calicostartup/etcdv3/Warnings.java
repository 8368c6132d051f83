package org.calicostartup.etcdv3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The WARN (or other) lines a class logs, through logback (the tests' binding). Kept out of {@link EtcdV3Fixture}, which the
 * benchmark module also runs ({@code ConflictHistoryRun}) without logback on its class path.
 */
final class Warnings {

    private Warnings() {
    }

    /** The WARN lines {@code logger}'s class logged while {@code action} ran. */
    static List<String> of(Class<?> logger, Runnable action) {
        return logged(logger, Level.WARN, action);
    }

    /** The lines {@code logger}'s class logged at {@code level} while {@code action} ran. */
    static List<String> logged(Class<?> logger, Level level, Runnable action) {
        Logger log = (Logger) LoggerFactory.getLogger(logger);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            action.run();
        } finally {
            log.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
