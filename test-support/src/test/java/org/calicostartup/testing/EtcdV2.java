package org.calicostartup.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Just enough of etcd's v2 keys API to check the harness: PUT and quorum GET of one key. */
final class EtcdV2 {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;

    EtcdV2(HttpClient http) {
        this.http = http;
    }

    JsonNode put(URI member, String key, String value) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(member.resolve("/v2/keys" + key))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("value=" + URLEncoder.encode(value, StandardCharsets.UTF_8)))
                .build();
        return send(request);
    }

    JsonNode get(URI member, String key) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(member.resolve("/v2/keys" + key + "?quorum=true"))
                .timeout(Duration.ofSeconds(5)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
