package org.calicostartup.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * JUnit 5 extension that gives a test class a real etcd: started before all tests, killed and deleted after all of
 * them, whatever happened. When a test fails, the last lines of every member's log are attached to the failure (as a
 * suppressed exception, so they appear in the Surefire report) and published as a report entry.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdExtension ETCD = EtcdExtension.cluster(3);
 *
 * @Test
 * void survivesALostMember(EtcdCluster etcd) { etcd.member(0).kill(); ... }
 * }</pre>
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    private static final int LOG_LINES_ON_FAILURE = 60;

    private final Supplier<EtcdCluster> starter;
    private EtcdCluster cluster;

    private EtcdExtension(Supplier<EtcdCluster> starter) {
        this.starter = starter;
    }

    /** One plain-text member. */
    public static EtcdExtension single() {
        return new EtcdExtension(() -> EtcdCluster.builder().start());
    }

    /** {@code members} plain-text members forming one cluster. */
    public static EtcdExtension cluster(int members) {
        return new EtcdExtension(() -> EtcdCluster.builder().members(members).start());
    }

    /** One member serving TLS and requiring client certificates signed by a CA generated for the test. */
    public static EtcdExtension tls() {
        return new EtcdExtension(() -> EtcdCluster.builder().tls(true).start());
    }

    /** The running cluster; only between beforeAll and afterAll. */
    public EtcdCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("etcd is not running: register the extension on a static field");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EtcdCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw withLogs(context, failure);
    }

    private Throwable withLogs(ExtensionContext context, Throwable failure) {
        if (cluster != null) {
            String logs = cluster.logTails(LOG_LINES_ON_FAILURE);
            failure.addSuppressed(new EtcdLogs(logs));
            context.publishReportEntry("etcd-log", logs);
        }
        return failure;
    }

    /** Carries etcd's log into a failing test's report. */
    static final class EtcdLogs extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EtcdLogs(String logs) {
            super("etcd log at the time of the failure:\n" + logs, null, false, false);
        }
    }
}
