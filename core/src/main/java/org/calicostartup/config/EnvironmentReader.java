package org.calicostartup.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.calicostartup.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads calico-node's environment variables with its lookup rules. A variable that is set but empty counts as set.
 * Datastore variables are looked up as {@code CALICO_<NAME>} first, then {@code <NAME>} (envconfig prefix
 * {@code calico}).
 */
final class EnvironmentReader {

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentReader.class);
    private static final Set<String> FALSE_WORDS = Set.of("false", "0", "no", "n", "f");

    private final Map<String, String> env;

    EnvironmentReader(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /** The variable's value if it is set, even to the empty string. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(env.get(name));
    }

    /** The variable's value, or {@code fallback} when it is unset. */
    public String get(String name, String fallback) {
        return env.getOrDefault(name, fallback);
    }

    /** A datastore variable: {@code CALICO_<name>} if set, else {@code <name>}. Returns the name actually used. */
    public Optional<Variable> datastore(String name) {
        String prefixed = "CALICO_" + name;
        if (env.containsKey(prefixed)) {
            return Optional.of(new Variable(prefixed, env.get(prefixed)));
        }
        return get(name).map(value -> new Variable(name, value));
    }

    /** A non-empty datastore variable; set-but-empty counts as absent. */
    public Optional<Variable> datastoreNonEmpty(String name) {
        return datastore(name).filter(v -> !v.value().isEmpty());
    }

    /**
     * calico-node's "exactly {@code true}" flags. Any other value is false, as in calico-node, but a value that
     * looks like an attempt to say true is logged, since the operator probably meant it.
     */
    public boolean exactlyTrue(String name) {
        String value = env.get(name);
        if (value == null || value.equals("true")) {
            return value != null;
        }
        if (!value.isEmpty() && !value.equals("false")) {
            LOG.warn("{}={} is treated as false: calico-node enables it only when it is exactly \"true\"", name,
                    StartupException.quote(value));
        }
        return false;
    }

    /** A boolean that is false only for false, 0, no, n, f (any case); any other set value is true. */
    public boolean notFalse(String name, boolean fallback) {
        String value = env.get(name);
        if (value == null) {
            return fallback;
        }
        return !FALSE_WORDS.contains(value.toLowerCase(java.util.Locale.ROOT));
    }

    /** A variable name with the value it had. */
    public record Variable(String name, String value) {
    }
}
