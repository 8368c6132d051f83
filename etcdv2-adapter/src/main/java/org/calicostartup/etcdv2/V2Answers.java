package org.calicostartup.etcdv2;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.DatastoreConfig;
import org.calicostartup.etcdv2.EtcdV2Client.Request;
import org.calicostartup.etcdv2.EtcdV2Client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads etcd v2's HTTP answers: the one place where an answer becomes a {@link Response} or a failure. */
final class V2Answers {

    private static final Logger LOG = LoggerFactory.getLogger(V2Answers.class);

    private V2Answers() {
    }

    /**
     * etcd's answer to {@code request} as a {@link Response}, or the failure it means: not etcd (no etcd headers, no
     * {@code action}), unreadable data, unauthorized, unavailable.
     */
    static Response parse(DatastoreConfig config, URI endpoint, Request request, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (response.headers().firstValue("X-Etcd-Cluster-Id").isEmpty()
                && response.headers().firstValue("X-Etcd-Index").isEmpty()) {
            // etcd's v2 API sets these on every keys answer; anything else is not etcd (or not its v2 API).
            throw new StartupException(Reason.CONFIGURATION, "The server at " + endpoint + " answered " + request
                    + " with HTTP " + status + " but is not etcd's v2 API (no X-Etcd-Cluster-Id or X-Etcd-Index "
                    + "header): check ETCD_ENDPOINTS, and that etcd runs with --enable-v2=true");
        }
        JsonNode json;
        try {
            V2Json.Read read = V2Json.read(response.body());
            json = read.json();
            if (!read.skippedBelow().isEmpty()) {
                LOG.warn("Ignoring keys nested more than {} levels below {} (answer to {}): calico-startup reads "
                        + "none of them", V2Json.MAX_DIRECTORY_DEPTH, read.skippedBelow().get(0), request);
            }
        } catch (IOException e) {
            throw new StartupException(Reason.INVALID_STORED_DATA, "etcd at " + endpoint + " answered " + request
                    + " with HTTP " + status + " and a body that cannot be read (" + e.getMessage() + "); the data "
                    + "stored below " + request.key() + " is not what etcd's v2 API returns for Calico's keys", e);
        }
        if (status == 401 || status == 403 || json.path("errorCode").asInt() == 110) {
            throw new StartupException(Reason.UNAUTHORIZED, "etcd at " + endpoint + " refused "
                    + config.credentials().map(c -> "user " + c.username()).orElse("the client (no ETCD_USERNAME)")
                    + " (unauthorized) for " + request + ": " + json.path("message").asText(json.toString()));
        }
        if (status >= 500) {
            throw new StartupException(Reason.DATASTORE_UNAVAILABLE, "etcd at " + endpoint + " failed " + request
                    + " with HTTP " + status + ": " + json.path("message").asText() + " "
                    + json.path("cause").asText());
        }
        if (status / 100 != 2 && !json.has("errorCode")) {
            throw new StartupException(Reason.INTERNAL, "etcd at " + endpoint + " answered " + request + " with HTTP "
                    + status + ": " + json);
        }
        if (status / 100 == 2 && !json.has("action")) {
            throw new StartupException(Reason.CONFIGURATION, "The server at " + endpoint + " answered " + request
                    + " with HTTP " + status + " but not as etcd's v2 keys API does (no \"action\"): check "
                    + "ETCD_ENDPOINTS");
        }
        return new Response(status, Optional.ofNullable(json.get("node")), json.path("errorCode").asInt(0),
                json.path("message").asText(""), response.body().length);
    }
}
