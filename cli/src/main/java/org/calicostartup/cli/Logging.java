package org.calicostartup.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code CALICO_STARTUP_LOGLEVEL} (logrus level names) to the log binding. */
public final class Logging {

    private Logging() {
    }

    /**
     * Sends log lines to standard error, for commands whose standard output is their result ({@code show-config},
     * {@code diagnose}); {@code run} logs to standard output as calico-node does.
     */
    public static void toStandardError() {
        consoleTarget("System.err");
    }

    /** Back to standard output (the default), for an in-process caller that runs several commands. */
    public static void toStandardOutput() {
        consoleTarget("System.out");
    }

    private static void consoleTarget(String target) {
        if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
            return;
        }
        if (root.getAppender("STDOUT") instanceof ch.qos.logback.core.ConsoleAppender<?> console) {
            console.stop();
            console.setTarget(target);
            console.start();
        }
    }

    public static void apply(String logrusLevel) {
        Level level = switch (logrusLevel) {
            case "panic", "fatal", "error" -> Level.ERROR;
            case "warn", "warning" -> Level.WARN;
            case "debug" -> Level.DEBUG;
            case "trace" -> Level.TRACE;
            default -> Level.INFO;
        };
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(level);
        }
    }
}
