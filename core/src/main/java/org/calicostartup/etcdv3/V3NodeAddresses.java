package org.calicostartup.etcdv3;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.calicostartup.etcdv3.V3Resources.MalformedException;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.StoredAddresses;

/**
 * The addresses of a listed node, read with Jackson's streaming parser instead of a tree: the conflict check reads
 * every node, and only {@code spec.bgp}'s two addresses matter. It accepts and refuses exactly what
 * {@code V3Resources.addresses(V3Resources.parse(value, "Node"))} does (the whole value must be valid JSON; a later
 * duplicate key wins, as in a tree), which {@code StoredDataPropertyTest} checks on random values.
 */
final class V3NodeAddresses {

    private V3NodeAddresses() {
    }

    /** What a node's value holds so far; a later duplicate of {@code spec}, {@code bgp} or an address resets it. */
    private static final class Found {
        String kind;
        JsonToken spec;
        JsonToken bgp;
        JsonToken ipv4Token;
        String ipv4;
        JsonToken ipv6Token;
        String ipv6;
    }

    static StoredAddresses read(byte[] value) throws MalformedException {
        // Decoded as Go's decoder does: an invalid UTF-8 byte becomes U+FFFD instead of failing the value.
        String text = new String(value, StandardCharsets.UTF_8);
        Found found = new Found();
        try (JsonParser parser = V3Resources.JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                // The tree reader reads the first value whole before refusing it: an invalid one is invalid JSON.
                parser.skipChildren();
                throw new MalformedException("not a JSON object");
            }
            topLevel(parser, found);
            // Like the tree reader, content after the object is not looked at.
        } catch (JsonProcessingException e) {
            throw new MalformedException("not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new MalformedException("not readable (" + e.getMessage() + ")");
        }
        if (found.kind != null && !found.kind.equals("\"Node\"")) {
            throw new MalformedException("kind is " + found.kind + ", expected Node");
        }
        if (found.spec != null && found.spec != JsonToken.START_OBJECT && found.spec != JsonToken.VALUE_NULL) {
            throw new MalformedException("spec is not an object");
        }
        if (found.spec != JsonToken.START_OBJECT || found.bgp == null || found.bgp == JsonToken.VALUE_NULL) {
            return StoredAddresses.NONE;
        }
        if (found.bgp != JsonToken.START_OBJECT) {
            throw new MalformedException("spec.bgp is not an object");
        }
        return new StoredAddresses(address(found.ipv4Token, found.ipv4, "ipv4Address", IpFamily.V4),
                address(found.ipv6Token, found.ipv6, "ipv6Address", IpFamily.V6));
    }

    private static void topLevel(JsonParser parser, Found found) throws IOException, MalformedException {
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken valueToken = parser.nextToken();
            if (field.equals("kind")) {
                found.kind = valueToken == JsonToken.VALUE_STRING ? "\"" + parser.getText() + "\""
                        : asText(parser, valueToken);
                parser.skipChildren();
            } else if (field.equals("spec")) {
                found.spec = valueToken;
                found.bgp = null;
                found.ipv4Token = null;
                found.ipv6Token = null;
                if (valueToken == JsonToken.START_OBJECT) {
                    spec(parser, found);
                } else {
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new MalformedException("not valid JSON");
        }
    }

    private static void spec(JsonParser parser, Found found) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken valueToken = parser.nextToken();
            if (field.equals("bgp")) {
                found.bgp = valueToken;
                found.ipv4Token = null;
                found.ipv6Token = null;
                if (valueToken == JsonToken.START_OBJECT) {
                    bgp(parser, found);
                } else {
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    private static void bgp(JsonParser parser, Found found) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken valueToken = parser.nextToken();
            if (field.equals("ipv4Address")) {
                found.ipv4Token = valueToken;
                found.ipv4 = valueToken == JsonToken.VALUE_STRING ? parser.getText() : null;
            } else if (field.equals("ipv6Address")) {
                found.ipv6Token = valueToken;
                found.ipv6 = valueToken == JsonToken.VALUE_STRING ? parser.getText() : null;
            }
            parser.skipChildren();
        }
    }

    private static Optional<CidrAddress> address(JsonToken token, String text, String field, IpFamily family)
            throws MalformedException {
        if (token == null || token == JsonToken.VALUE_NULL || (token == JsonToken.VALUE_STRING && text.isEmpty())) {
            return Optional.empty();
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new MalformedException("spec.bgp." + field + " is not a string");
        }
        Optional<CidrAddress> parsed = CidrAddress.parse(text).filter(a -> a.family() == family);
        if (parsed.isEmpty()) {
            throw new MalformedException("spec.bgp." + field + " \"" + text + "\" is not an " + family + " address");
        }
        return parsed;
    }

    /** {@code JsonNode.asText()} of a value: a scalar's text, "" for containers and null. */
    private static String asText(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getText();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> "";
        };
    }
}
