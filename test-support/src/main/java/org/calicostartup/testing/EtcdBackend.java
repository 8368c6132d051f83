package org.calicostartup.testing;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Where the harness's etcd members run, chosen by the system property {@value #PROPERTY}: {@code process} (the
 * default: Debian's etcd 3.4 binary as local processes) or {@code container:IMAGE} (the same members, flags and
 * ports, in containers of IMAGE through Testcontainers, e.g. {@code container:quay.io/coreos/etcd:v3.5.17}). A
 * container backend needs a Docker engine; asked for without one, the harness fails rather than silently testing
 * something else. (The machines this project is built and tested on have no Docker engine, so the container path
 * is not exercised there.)
 *
 * @param image the container image, empty for processes
 */
public record EtcdBackend(Optional<String> image) {

    public static final String PROPERTY = "calico.etcd.backend";
    public static final EtcdBackend PROCESS = new EtcdBackend(Optional.empty());

    public EtcdBackend {
        Objects.requireNonNull(image, "image");
    }

    public boolean container() {
        return image.isPresent();
    }

    /** The backend the system property asks for, checking that Docker is there when containers are asked for. */
    public static EtcdBackend fromSystemProperties() {
        return select(System.getProperty(PROPERTY), EtcdBackend::dockerAvailable);
    }

    /** The selection rule, apart from where the value and Docker's presence come from. */
    static EtcdBackend select(String value, BooleanSupplier dockerAvailable) {
        if (value == null || value.isBlank() || value.trim().equals("process")) {
            return PROCESS;
        }
        String text = value.trim();
        if (!text.startsWith("container:") || text.length() == "container:".length()) {
            throw new IllegalArgumentException(PROPERTY + "=" + text + " is neither \"process\" nor "
                    + "\"container:IMAGE\" (such as container:quay.io/coreos/etcd:v3.5.17)");
        }
        if (!dockerAvailable.getAsBoolean()) {
            throw new IllegalStateException(PROPERTY + "=" + text + " needs a Docker engine, and none was found; "
                    + "unset it to run etcd as local processes");
        }
        return new EtcdBackend(Optional.of(text.substring("container:".length())));
    }

    private static boolean dockerAvailable() {
        try {
            return ContainerMember.dockerAvailable();
        } catch (LinkageError noTestcontainers) {
            return false;
        }
    }
}
