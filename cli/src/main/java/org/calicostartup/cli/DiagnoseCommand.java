package org.calicostartup.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.calicostartup.NodeStartup;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.spi.Datastore;
import org.calicostartup.spi.Deadline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * For the operator whose calico-node never comes up: measures the round-trip time to etcd, counts the nodes,
 * predicts each implementation's startup time from its round trips and says whether the liveness probe kills it.
 * Read-only: writes nothing to etcd.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        footerHeading = EnvironmentHelp.HEADING, footer = {EnvironmentHelp.DATASTORE, EnvironmentHelp.NODE, EnvironmentHelp.POOLS},
        description = {"Predict whether the liveness probe kills calico-node's startup on this cluster. Read-only.",
            "Measures etcd's round-trip time, counts the nodes, predicts calico-node 2.6, v3 and calico-startup",
            "startup times from their round trips, and says which probe settings would let them finish."})
final class DiagnoseCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--samples", defaultValue = "5", description = "Round-trip samples (default 5).")
    int samples;

    @Option(names = "--initial-delay", defaultValue = "10", description = "Probe initialDelaySeconds (default 10).")
    int initialDelay;

    @Option(names = "--period", defaultValue = "10", description = "Probe periodSeconds (default 10).")
    int period;

    @Option(names = "--failure-threshold", defaultValue = "6", description = "Probe failureThreshold (default 6).")
    int failureThreshold;

    @Option(names = "--timeout", defaultValue = "1", description = "Probe timeoutSeconds (default 1).")
    int timeout;

    DiagnoseCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Logging.toStandardError();
        StartupConfig config = StartupConfig.fromEnvironment(env);
        Logging.apply("warning");
        PrintWriter out = spec.commandLine().getOut();
        Datastore.ClusterSurvey survey;
        try (Datastore datastore = NodeStartup.openDatastore(config.datastore())) {
            survey = datastore.survey(Math.max(1, samples), Deadline.after(config.startupTimeout()));
        }
        Duration rtt = survey.medianRoundTrip();
        DatastoreType type = config.datastore().type();
        ProbeBudget probe = new ProbeBudget(initialDelay, period, failureThreshold, timeout);
        out.printf("etcd %s at %s%n", type.envValue(), config.datastore().endpointList());
        out.printf("round-trip time: median %s over %d samples %s%n", millis(rtt), survey.roundTrips().size(),
                survey.roundTrips().stream().map(DiagnoseCommand::millis).toList());
        out.printf("nodes: %d%n", survey.nodes());
        out.printf("liveness probe %d/%d/%d, timeout %d s: restarts the container ≈ %d s after it starts%n%n",
                initialDelay, period, failureThreshold, timeout, probe.killedAfter().toSeconds());
        List<Prediction> predictions = type == DatastoreType.ETCDV2
                ? List.of(Prediction.calico26(survey.nodes(), rtt), Prediction.calico26Restart(rtt),
                        Prediction.calicoStartup(type, rtt))
                : List.of(Prediction.calico3(rtt), Prediction.calicoStartup(type, rtt));
        out.printf("%-40s %12s %14s  %s%n", "predicted startup", "round trips", "time", "liveness probe");
        for (Prediction p : predictions) {
            out.printf("%-40s %12d %14s  %s%n", p.who(), p.roundTrips(), seconds(p.time()),
                    probe.survives(p.time()) ? "survives" : "KILLS IT");
        }
        out.println();
        for (Prediction p : predictions) {
            if (!probe.survives(p.time())) {
                out.printf("%s needs ≈ %s, longer than the probe allows (≈ %d s): the pod restarts before it "
                        + "finishes, every time. Either raise the liveness probe's failureThreshold to %d (period "
                        + "%d s), or add a startupProbe with periodSeconds %d and failureThreshold %d (Kubernetes "
                        + "1.18+), or use calico-startup (≈ %s).%n", p.who(), seconds(p.time()),
                        probe.killedAfter().toSeconds(), probe.failureThresholdFor(p.time()), period, period,
                        probe.startupProbeThresholdFor(p.time()),
                        seconds(Prediction.calicoStartup(type, rtt).time()));
            }
        }
        if (predictions.stream().allMatch(p -> probe.survives(p.time()))) {
            out.println("Every prediction fits the probe's budget.");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }

    static String seconds(Duration d) {
        return ProbeBudget.seconds(d);
    }
}
