package org.calicostartup.demo;

import picocli.CommandLine;

/**
 * {@code bin/calico-startup demo}: the comparison with a local etcd it starts itself. Kept apart from the agent so that
 * the agent's jar carries no test harness, etcd launcher or package installer.
 */
public final class DemoMain {

    private DemoMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs {@code demo} with {@code args}; returns the exit code (2 for usage errors). */
    public static int execute(String... args) {
        CommandLine line = new CommandLine(new DemoCommand());
        line.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? 2 : 1);
        return line.execute(args);
    }
}
