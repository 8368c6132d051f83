package org.calicostartup.etcdv2;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.calicostartup.internal.JsonTrees;

/**
 * Reads an etcd v2 answer so that data this library does not need cannot make it unreadable: directories nested more
 * than {@link #MAX_DIRECTORY_DEPTH} levels below the requested key are skipped while streaming (never built as a
 * tree, never recursed into), and the keys where that happened are reported. Jackson's own nesting limit is lifted
 * for the skipped part, which costs the parser a little heap per level and no stack.
 */
final class V2Json {

    /** Deeper than any key calico-startup reads (the deepest is {@code <host>/ipv4/block}, 3 below its request). */
    static final int MAX_DIRECTORY_DEPTH = 32;
    /** JSON levels: the envelope, then an object and a {@code nodes} array per directory level. */
    private static final int MAX_JSON_DEPTH = 2 * MAX_DIRECTORY_DEPTH + 4;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private V2Json() {
    }

    /** What was read, and the keys below which deeper directories were left out. */
    record Read(JsonNode json, List<String> skippedBelow) {
    }

    static Read read(byte[] body) throws IOException {
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() == null) {
                return new Read(JsonNodeFactory.instance.objectNode(), List.of());
            }
            List<String> skipped = new ArrayList<>();
            JsonNode json = value(parser, 1, "", skipped);
            if (parser.nextToken() != null) {
                throw new IOException("content after the JSON value");
            }
            return new Read(json, skipped);
        }
    }

    /** The value at the parser's current token; {@code depth} counts JSON levels, {@code key} the last v2 key seen. */
    private static JsonNode value(JsonParser parser, int depth, String key, List<String> skipped) throws IOException {
        JsonToken token = parser.currentToken();
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = nodes.objectNode();
                String currentKey = key;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (depth >= MAX_JSON_DEPTH && parser.currentToken().isStructStart()) {
                        parser.skipChildren();
                        skipped.add(currentKey);
                        continue;
                    }
                    JsonNode child = value(parser, depth + 1, currentKey, skipped);
                    if (field.equals("key") && child.isTextual()) {
                        currentKey = child.asText();
                    }
                    object.set(field, child);
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = nodes.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (depth >= MAX_JSON_DEPTH && parser.currentToken().isStructStart()) {
                        parser.skipChildren();
                        skipped.add(key);
                        continue;
                    }
                    array.add(value(parser, depth + 1, key, skipped));
                }
                return array;
            }
            default:
                return JsonTrees.scalar(parser, token);
        }
    }
}
