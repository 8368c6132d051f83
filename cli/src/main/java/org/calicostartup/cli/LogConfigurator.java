package org.calicostartup.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.TimeZone;
import org.calicostartup.internal.Timestamps;

/**
 * The agent's logging, configured in code — by {@link AgentLogging} when the agent's main runs, and found by
 * logback through {@code META-INF/services} where logback initialises itself (an in-process caller of
 * {@link Main#execute}): no XML to find and parse on every start. One console appender, {@code STDOUT}, writing
 * calico-node's line format {@code 2018-03-01 07:27:20.123 [INFO][<pid>] startup.go 187: <msg>} — here the class's
 * simple name and line.
 * The transport's own libraries log at WARN and above.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        CalicoLineLayout layout = new CalicoLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        for (String quiet : new String[] {"io.grpc", "io.netty", "io.etcd", "io.vertx"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** calico-node's line: time, logrus level name, pid, source and line, message (and a stack, if any). */
    static final class CalicoLineLayout extends LayoutBase<ILoggingEvent> {
        private static final TimeZone ZONE = TimeZone.getDefault();
        private final String pid = Long.toString(ProcessHandle.current().pid());

        @Override
        public String doLayout(ILoggingEvent event) {
            StringBuilder line = Timestamps.appendLocal(new StringBuilder(160), event.getTimeStamp(), ZONE)
                    .append(" [").append(event.getLevel() == Level.WARN ? "WARNING" : event.getLevel().toString())
                    .append("][").append(pid).append("] ")
                    .append(simpleName(event.getLoggerName())).append(' ').append(lineNumber(event)).append(": ")
                    .append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                line.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
            return line.toString();
        }

        private static String simpleName(String logger) {
            return logger.substring(logger.lastIndexOf('.') + 1);
        }

        private static String lineNumber(ILoggingEvent event) {
            StackTraceElement[] caller = event.getCallerData();
            return caller == null || caller.length == 0 ? "?" : Integer.toString(caller[0].getLineNumber());
        }
    }
}
