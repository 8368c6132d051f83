package org.calicostartup.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.calicostartup.NodeStartup;
import org.calicostartup.StartupException;
import org.calicostartup.StartupMode;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.IoStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A drop-in for {@code calico-node -startup}: same environment, same datastore data, same files, exit codes. */
@Command(name = "run", mixinStandardHelpOptions = true,
        footerHeading = EnvironmentHelp.HEADING, footer = {EnvironmentHelp.DATASTORE, EnvironmentHelp.NODE, EnvironmentHelp.POOLS},
        description = {"Register this node, as calico-node -startup does, from the same environment variables.",
            "Exit codes: 0 ok, 1 other, 2 configuration, 3 datastore unreachable, 4 unauthorized, 5 IP conflict,",
            "6 no address autodetected, 7 this node's stored data unreadable."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private final Map<String, String> env;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Serve /liveness and /readiness on 127.0.0.1:PORT while running (Calico uses 9099). "
                    + "Default: off.")
    Integer healthPort;

    @Option(names = "--stall-threshold", paramLabel = "SECONDS", defaultValue = "15",
            description = "Liveness turns bad when the datastore has not answered for this long (default 15).")
    int stallSeconds = 15;

    @Option(names = "--health-linger", paramLabel = "SECONDS", defaultValue = "0",
            description = "Keep serving health this long after the node is registered (default 0).")
    int lingerSeconds;

    @Option(names = "--mode", defaultValue = "FAST",
            description = "FAST (default) or CALICO_REFERENCE (calico-node's own request sequence).")
    StartupMode mode = StartupMode.FAST;

    RunCommand(Map<String, String> env) {
        this.env = env;
    }

    /** {@code run} with every option at its default, built without the command line. */
    static RunCommand withDefaults(Map<String, String> env) {
        return new RunCommand(env);
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (healthPort != null && (healthPort < 1 || healthPort > 65535)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option "
                    + "'--health-port': " + healthPort + " is not a TCP port (accepted: 1 to 65535)");
        }
        requireNonNegative("--stall-threshold", stallSeconds);
        requireNonNegative("--health-linger", lingerSeconds);
        StartupConfig config = StartupConfig.fromEnvironment(env);
        Logging.apply(config.logLevel());
        IoStats stats = new IoStats();
        HealthServer health = healthPort == null ? null
                : new HealthServer(healthPort, stats, Duration.ofSeconds(stallSeconds));
        try {
            if (health != null) {
                LOG.info("Serving /liveness and /readiness on 127.0.0.1:{}", health.port());
            }
            NodeStartup.builder(config).mode(mode).ioStats(stats).build().run();
            if (health != null) {
                health.registered();
                sleep(Duration.ofSeconds(lingerSeconds));
            }
            return ExitCodes.OK;
        } catch (StartupException e) {
            // NodeStartup has logged the failure once, with its cause; calico-node's last word follows.
            LOG.warn("Terminating");
            return ExitCodes.of(e.reason());
        } finally {
            if (health != null) {
                health.close();
            }
        }
    }

    private void requireNonNegative(String option, int seconds) {
        if (seconds < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '"
                    + option + "': " + seconds + " (accepted: seconds, 0 or more)");
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
