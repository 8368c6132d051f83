package org.calicostartup.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.calicostartup.profile.ReleaseProfile;

/**
 * Where this node's name comes from, so that it can be resolved as the calico-node release being reproduced does
 * ({@link ReleaseProfile.Naming}) — also when that release is only known once the cluster has been read (the version
 * it records). Either the environment ({@code NODENAME}, {@code HOSTNAME}, the nodename file, the OS host name) or a
 * name an embedding agent gave, which every release uses as it is.
 */
public final class NodeNaming {

    private final Optional<NodeName> given;
    private final String nodename;
    private final String hostname;
    private final Path nodenameFile;
    private final Path defaultNodenameFile;
    private final NodeNameResolver resolver;

    private NodeNaming(Optional<NodeName> given, String nodename, String hostname, Path nodenameFile,
            Path defaultNodenameFile, NodeNameResolver resolver) {
        this.given = given;
        this.nodename = nodename;
        this.hostname = hostname;
        this.nodenameFile = Objects.requireNonNull(nodenameFile, "nodenameFile");
        this.defaultNodenameFile = defaultNodenameFile;
        this.resolver = resolver;
    }

    /** A name given by an embedding agent, the same for every release, with the nodename file it chose. */
    public static NodeNaming given(NodeName name, Path nodenameFile) {
        return new NodeNaming(Optional.of(Objects.requireNonNull(name, "name")), "", "", nodenameFile, nodenameFile,
                null);
    }

    /** From calico-node's environment; {@code configuredFile} is {@code CALICO_NODENAME_FILE}, if set. */
    static NodeNaming fromEnvironment(EnvironmentReader env, Optional<Path> configuredFile,
            NodeNameResolver resolver) {
        Path defaultFile = resolver.defaultNodenameFile(configuredFile);
        return new NodeNaming(Optional.empty(), env.get("NODENAME", ""), env.get("HOSTNAME", ""),
                configuredFile.orElse(defaultFile), defaultFile, resolver);
    }

    /** The nodename file {@code CALICO_NODENAME_FILE} names, or the default. */
    Path configuredFile() {
        return nodenameFile;
    }

    /**
     * The node's name as {@code naming} determines it.
     *
     * @throws org.calicostartup.StartupException with reason CONFIGURATION naming the source when that name is not
     *                                            valid, or the nodename file cannot be read
     */
    public NodeName resolve(ReleaseProfile.Naming naming) {
        return given.orElseGet(() -> resolver.resolve(nodename, hostname, nodenameFile(naming), naming));
    }

    /**
     * The nodename file {@code naming} reads and calico-node writes after registering: the configured one, except
     * in v3.1–v3.3, which use the default whatever {@code CALICO_NODENAME_FILE} says.
     */
    public Path nodenameFile(ReleaseProfile.Naming naming) {
        return naming == ReleaseProfile.Naming.DEFAULT_FILE ? defaultNodenameFile : nodenameFile;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeNaming other && other.given.equals(given) && other.nodename.equals(nodename)
                && other.hostname.equals(hostname) && other.nodenameFile.equals(nodenameFile)
                && other.defaultNodenameFile.equals(defaultNodenameFile) && other.resolver == resolver;
    }

    @Override
    public int hashCode() {
        return Objects.hash(given, nodename, hostname, nodenameFile);
    }

    @Override
    public String toString() {
        return given.map(n -> "NodeNaming[given " + n + "]").orElse("NodeNaming[environment, " + nodenameFile + "]");
    }
}
