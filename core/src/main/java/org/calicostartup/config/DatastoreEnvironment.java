package org.calicostartup.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.config.EnvironmentReader.Variable;
import org.calicostartup.profile.CalicoRelease;

/**
 * The datastore part of calico-node's environment: {@code DATASTORE_TYPE}, the etcd endpoints, TLS files, credentials
 * and the request timeout; every error names the variable (with any password in a URL redacted).
 */
final class DatastoreEnvironment {

    private static final String ENDPOINTS_ACCEPTED = "comma-separated etcd client URLs such as "
            + "http://10.0.0.1:2379,http://10.0.0.2:2379 (all http:// or all https://)";

    private final EnvironmentReader env;
    private final EnvironmentParser parser;

    DatastoreEnvironment(EnvironmentReader env, EnvironmentParser parser) {
        this.env = env;
        this.parser = parser;
    }

    /**
     * {@code DATASTORE_TYPE}; unset, the release decides (2.x: etcd v2), else etcd v3. A release that does not use
     * the datastore named is refused.
     */
    DatastoreConfig datastore(Optional<Variable> given, Optional<CalicoRelease> calicoVersion) {
        Variable typeVar = given.orElse(new Variable("DATASTORE_TYPE",
                calicoVersion.filter(CalicoRelease::usesEtcdV2).isPresent() ? "etcdv2" : "etcdv3"));
        DatastoreType type = Arrays.stream(DatastoreType.values())
                .filter(t -> t.envValue().equals(typeVar.value())).findFirst()
                .orElseThrow(() -> StartupException.invalidValue(typeVar.name(), typeVar.value(),
                        "\"etcdv3\" (the default) or \"etcdv2\"; the Kubernetes datastore is not supported"));
        calicoVersion.filter(v -> v.usesEtcdV2() != (type == DatastoreType.ETCDV2)).ifPresent(v -> {
            throw EnvironmentParser.configuration("CALICO_STARTUP_CALICO_VERSION=" + v + " and " + typeVar.name() + "="
                    + typeVar.value() + " do not go together: Calico 2.x keeps its data in etcd's v2 API "
                    + "(DATASTORE_TYPE=etcdv2), Calico 3.x in the v3 API (DATASTORE_TYPE=etcdv3)");
        });
        env.datastoreNonEmpty("ETCD_DISCOVERY_SRV").ifPresent(srv -> {
            throw EnvironmentParser.configuration(srv.name() + " is set, but DNS SRV discovery is not supported: list the etcd "
                    + "members in ETCD_ENDPOINTS instead");
        });
        List<URI> endpoints = endpoints(type);
        Optional<TlsFiles> tls = tls(endpoints);
        Optional<Credentials> credentials = credentials();
        Duration requestTimeout = parser.bounded("CALICO_STARTUP_REQUEST_TIMEOUT", DatastoreConfig.DEFAULT_REQUEST_TIMEOUT,
                DatastoreConfig.MIN_REQUEST_TIMEOUT, DatastoreConfig.MAX_REQUEST_TIMEOUT);
        return new DatastoreConfig(type, endpoints, tls, credentials, requestTimeout);
    }

    private List<URI> endpoints(DatastoreType type) {
        Optional<Variable> configured = env.datastoreNonEmpty("ETCD_ENDPOINTS");
        if (configured.isPresent()) {
            Variable var = configured.get();
            List<URI> endpoints = new ArrayList<>();
            for (String item : var.value().split(",", -1)) {
                if (!item.isBlank()) {
                    endpoints.add(endpoint(var, item.trim()));
                }
            }
            if (endpoints.isEmpty()) {
                throw StartupException.invalidValue(var.name(), redacted(var.value()), ENDPOINTS_ACCEPTED);
            }
            if (endpoints.stream().map(URI::getScheme).distinct().count() > 1) {
                throw StartupException.invalidValue(var.name(), redacted(var.value()),
                        ENDPOINTS_ACCEPTED + "; it mixes http:// and https://");
            }
            return endpoints;
        }
        if (type == DatastoreType.ETCDV3) {
            throw EnvironmentParser.configuration("ETCD_ENDPOINTS is required with DATASTORE_TYPE=etcdv3 (accepted: "
                    + ENDPOINTS_ACCEPTED + ")");
        }
        // Calico 2.6 falls back to ETCD_SCHEME://ETCD_AUTHORITY.
        Variable scheme = env.datastore("ETCD_SCHEME").orElse(new Variable("ETCD_SCHEME", "http"));
        Variable authority = env.datastore("ETCD_AUTHORITY").orElse(new Variable("ETCD_AUTHORITY", "127.0.0.1:2379"));
        if (!scheme.value().equals("http") && !scheme.value().equals("https")) {
            throw StartupException.invalidValue(scheme.name(), scheme.value(), "\"http\" or \"https\"");
        }
        return List.of(endpoint(authority, scheme.value() + "://" + authority.value()));
    }

    private static URI endpoint(Variable var, String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            boolean valid = ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    && uri.getPort() != 0 && uri.getPort() <= 65535;
            if (valid) {
                return new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        String why = text.contains("@") ? " (credentials in a URL are not accepted: use ETCD_USERNAME and "
                + "ETCD_PASSWORD)" : "";
        throw StartupException.invalidValue(var.name(), redacted(var.value()),
                ENDPOINTS_ACCEPTED + "; " + StartupException.quote(redacted(text)) + " is not an http:// or https:// "
                        + "URL with a host, an optional port and no path" + why);
    }

    /**
     * {@code text} with every URL user-info's password replaced ({@code http://user:***@host}), so that a secret
     * typed into an endpoint never reaches a message or a log.
     */
    static String redacted(String text) {
        return text.replaceAll("(^|://|,)(?![A-Za-z][A-Za-z0-9+.-]*://)([^/@:\\s,]*):[^\\s,]*@", "$1$2:***@");
    }

    private Optional<TlsFiles> tls(List<URI> endpoints) {
        Optional<Variable> caVar = env.datastoreNonEmpty("ETCD_CA_CERT_FILE");
        Optional<Variable> certVar = env.datastoreNonEmpty("ETCD_CERT_FILE");
        Optional<Variable> keyVar = env.datastoreNonEmpty("ETCD_KEY_FILE");
        if (certVar.isPresent() != keyVar.isPresent()) {
            Variable given = certVar.or(() -> keyVar).orElseThrow();
            throw EnvironmentParser.configuration(given.name() + " is set but " + (certVar.isPresent() ? "ETCD_KEY_FILE" : "ETCD_CERT_FILE")
                    + " is not: a client certificate and its key go together (set both, or neither)");
        }
        boolean https = endpoints.get(0).getScheme().equals("https");
        Optional<Variable> anyFile = caVar.or(() -> certVar);
        if (!https && anyFile.isPresent()) {
            throw EnvironmentParser.configuration(anyFile.get().name() + " is set but the etcd endpoints " + endpoints
                    + " use http://, which would send everything in plain text: use https:// endpoints, or unset "
                    + "the ETCD_*_FILE variables");
        }
        if (https && caVar.isEmpty()) {
            throw EnvironmentParser.configuration("The etcd endpoints " + endpoints + " use https:// but ETCD_CA_CERT_FILE is not set: "
                    + "name the PEM file of the CA that signed etcd's server certificates");
        }
        if (!https) {
            return Optional.empty();
        }
        return Optional.of(new TlsFiles(pemFile(caVar.get()), certVar.map(DatastoreEnvironment::pemFile),
                keyVar.map(DatastoreEnvironment::pemFile)));
    }

    /** A TLS file must exist, be readable and hold a PEM block; it is named in the error when it does not. */
    private static Path pemFile(Variable var) {
        Path path = EnvironmentParser.path(var.name(), var.value());
        String problem;
        if (!Files.exists(path)) {
            problem = "does not exist";
        } else if (!Files.isRegularFile(path)) {
            problem = "is not a regular file";
        } else {
            try {
                String content = Files.readString(path, StandardCharsets.US_ASCII);
                problem = content.contains("-----BEGIN ") ? null : "holds no PEM block (-----BEGIN ...)";
            } catch (IOException e) {
                problem = "cannot be read: " + e;
            }
        }
        if (problem != null) {
            throw EnvironmentParser.configuration("The file " + path + " named by " + var.name() + " " + problem);
        }
        return path;
    }

    private Optional<Credentials> credentials() {
        Optional<Variable> user = env.datastoreNonEmpty("ETCD_USERNAME");
        Optional<Variable> password = env.datastoreNonEmpty("ETCD_PASSWORD");
        if (user.isPresent() != password.isPresent()) {
            throw EnvironmentParser.configuration((user.isPresent() ? "ETCD_USERNAME is set but ETCD_PASSWORD is not"
                    : "ETCD_PASSWORD is set but ETCD_USERNAME is not") + ": set both, or neither");
        }
        return user.map(u -> new Credentials(u.value(), password.get().value()));
    }
}
