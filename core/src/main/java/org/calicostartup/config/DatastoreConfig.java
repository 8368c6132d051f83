package org.calicostartup.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the datastore is and how to talk to it.
 *
 * @param endpoints      etcd client URLs, all {@code http} or all {@code https}
 * @param requestTimeout deadline of every single call into etcd
 */
public record DatastoreConfig(DatastoreType type, List<URI> endpoints, Optional<TlsFiles> tls,
        Optional<Credentials> credentials, Duration requestTimeout) {

    /** Deadline of a single etcd request unless configured otherwise. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The shortest request timeout: below it a call cannot even connect to an etcd on the same host. */
    public static final Duration MIN_REQUEST_TIMEOUT = Duration.ofMillis(10);
    /** The longest request timeout: a day; connect timeouts are bounded (Netty: int milliseconds). */
    public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofHours(24);

    public DatastoreConfig {
        Objects.requireNonNull(type, "type");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        if (requestTimeout.compareTo(MIN_REQUEST_TIMEOUT) < 0 || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw new IllegalArgumentException("requestTimeout must be from " + MIN_REQUEST_TIMEOUT + " to "
                    + MAX_REQUEST_TIMEOUT + ": " + requestTimeout);
        }
    }

    /** The endpoints as etcd and calico-node write them: comma-separated. */
    public String endpointList() {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }
}
