package org.calicostartup.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One etcd member in a container (Testcontainers): host networking, so it listens on the same 127.0.0.x ports as a
 * process member would, and the member's work directory bind-mounted at the same path, so data, TLS files and flags
 * are exactly those of a process member. Loaded only when {@link EtcdBackend} selects containers.
 */
final class ContainerMember {

    private final GenericContainer<?> container;

    private ContainerMember(GenericContainer<?> container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /** Starts {@code image} with etcd's flags ({@code command} without the binary), logging to {@code logFile}. */
    static ContainerMember start(String image, List<String> command, Path workDir, Path logFile) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withFileSystemBind(workDir.toString(), workDir.toString(), BindMode.READ_WRITE)
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("etcd"))
                .withCommand(command.subList(1, command.size()).toArray(new String[0]))
                .withLogConsumer(frame -> {
                    try {
                        Files.writeString(logFile, frame.getUtf8String(), StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (java.io.IOException e) {
                        // the log is for failure reports only
                    }
                });
        container.start();
        return new ContainerMember(container);
    }

    boolean isRunning() {
        return container.isRunning();
    }

    /** SIGTERM with the container runtime's grace period. */
    void stop() {
        container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
    }

    /** SIGKILL. */
    void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    /** Removes the container. */
    void remove() {
        container.stop();
    }

    long pid() {
        Long pid = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState()
                .getPidLong();
        return pid == null ? -1 : pid;
    }
}
