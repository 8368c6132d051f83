package org.calicostartup.cli;

import java.util.Map;
import org.calicostartup.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/calico-startup}: the runnable agent. */
@Command(name = "calico-startup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "calico-node's node startup for etcd, in a constant number of round trips.",
        subcommands = {RunCommand.class, DiagnoseCommand.class, ShowConfigCommand.class})
public final class Main implements Runnable {

    /**
     * The shaded Netty's switch for its native transports. The agent's etcd v3 channels use NIO; without the switch,
     * gRPC still probes for epoll when its Netty classes load, unpacking the native library into the temporary
     * directory and loading it (~14 ms of every cold start, and a file written for nothing).
     */
    static final String NO_NATIVE_TRANSPORT = "io.grpc.netty.shaded.io.netty.transport.noNative";
    /**
     * The shaded Netty's buffer allocator, which gRPC's transport follows. The agent reads one answer per request and
     * exits: pooled arenas (gRPC's default) cost their set-up at every cold start, and unpooled buffers were faster at
     * every size measured, 1,000 to 50,000 nodes (README, "Memory": at 50,000 they peak higher).
     */
    static final String ALLOCATOR = "io.grpc.netty.shaded.io.netty.allocator.type";
    /** The shaded Netty's leak detector, which samples buffer allocations with their stacks: a debugging aid. */
    static final String LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

    public static void main(String[] args) {
        // The agent's own JVM only, each unless set otherwise (CALICO_STARTUP_JAVA_OPTS=-D...).
        setIfUnset(NO_NATIVE_TRANSPORT, "true");
        setIfUnset(ALLOCATOR, "unpooled");
        setIfUnset(LEAK_DETECTION, "disabled");
        AgentLogging.choose();
        System.exit(execute(System.getenv(), args));
    }

    private static void setIfUnset(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Runs the command line against {@code env}; returns the exit code. */
    public static int execute(Map<String, String> env, String... args) {
        if (args.length == 1 && "run".equals(args[0])) {
            // The agent's hot path, as an initContainer runs it: no option to parse, so no command-line model to
            // build (picocli's reflection costs ~100 ms of a cold start, and its classes stay out of CDS archives).
            try {
                return RunCommand.withDefaults(env).call();
            } catch (RuntimeException e) {
                return failed(e, new java.io.PrintWriter(System.err, true));
            } finally {
                Logging.toStandardOutput();
            }
        }
        CommandLine commandLine = new CommandLine(new Main(), new EnvironmentFactory(env));
        // Wide enough that the environment listing in each command's --help is never wrapped mid-line.
        commandLine.setUsageHelpWidth(110);
        commandLine.setExecutionExceptionHandler((exception, line, parsed) -> failed(exception, line.getErr()));
        // Usage errors (unknown option, bad value) are configuration errors: exit 2, as the README says.
        commandLine.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException
                ? ExitCodes.CONFIGURATION : ExitCodes.OTHER);
        commandLine.registerConverter(org.calicostartup.StartupMode.class, Main::mode);
        try {
            return commandLine.execute(args);
        } finally {
            Logging.toStandardOutput();
        }
    }

    /** How a command's failure reaches the operator: one line on standard error, and the exit code. */
    private static int failed(Exception exception, java.io.PrintWriter err) {
        if (exception instanceof StartupException e) {
            // Printed once, on standard error; nothing else reports it.
            err.println("ERROR: " + e.getMessage());
            return ExitCodes.of(e.reason());
        }
        // Anything else is a bug or an environment problem: one line for the operator, the stack only at DEBUG.
        org.slf4j.LoggerFactory.getLogger(Main.class).debug("Unexpected failure", exception);
        err.println("ERROR: " + StartupException.causes(exception)
                + " (run with CALICO_STARTUP_LOGLEVEL=debug for details)");
        return ExitCodes.OTHER;
    }

    private static org.calicostartup.StartupMode mode(String value) {
        String name = value.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (org.calicostartup.StartupMode mode : org.calicostartup.StartupMode.values()) {
            if (mode.name().equals(name)) {
                return mode;
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a mode (accepted: FAST, "
                + "CALICO_REFERENCE, in any case)");
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command given: the usage, from the command line already built (so with the commands' own factory). */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Gives commands the environment they run in, so tests can pass their own. */
    private record EnvironmentFactory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ShowConfigCommand.class) {
                return type.cast(new ShowConfigCommand(env));
            }
            if (type == RunCommand.class) {
                return type.cast(new RunCommand(env));
            }
            if (type == DiagnoseCommand.class) {
                return type.cast(new DiagnoseCommand(env));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"calico-startup " + (version == null ? "(development build)" : version)};
        }
    }
}
