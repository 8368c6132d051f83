package org.calicostartup.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's SLF4J binding: logback, configured by {@link LogConfigurator} directly. {@link Main} names it in
 * {@code slf4j.provider}, so SLF4J neither scans the class path for providers nor lets logback look for
 * configuration files and configurators (its {@code ContextInitializer}): about 20 ms of a cold {@code run}.
 * An application embedding the library keeps its own binding; this class is only chosen by the agent's main.
 */
public final class AgentLogging implements SLF4JServiceProvider {

    private LoggerContext context;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    /** Chooses this binding, unless the JVM was told another one; before anything logs. */
    static void choose() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", AgentLogging.class.getName());
            // SLF4J says at INFO on standard error that it loads an explicitly named provider; calico-node's
            // output has no such line.
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    @Override
    public void initialize() {
        context = new LoggerContext();
        context.setName("default");
        new LogConfigurator().configure(context);
        context.start();
        markers = new BasicMarkerFactory();
        LogbackMDCAdapter adapter = new LogbackMDCAdapter();
        context.setMDCAdapter(adapter);
        mdc = adapter;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
