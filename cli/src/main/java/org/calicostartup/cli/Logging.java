package org.calicostartup.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code CALICO_STARTUP_LOGLEVEL} (logrus level names) to the log binding. */
final class Logging {

    private Logging() {
    }

    static void apply(String logrusLevel) {
        Level level = switch (logrusLevel) {
            case "panic", "fatal", "error" -> Level.ERROR;
            case "warn", "warning" -> Level.WARN;
            case "debug" -> Level.DEBUG;
            case "trace" -> Level.TRACE;
            default -> Level.INFO;
        };
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    }
}
