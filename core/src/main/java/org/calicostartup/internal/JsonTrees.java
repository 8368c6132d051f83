package org.calicostartup.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees read and written with Jackson's streaming parser and generator and its tree nodes, without an
 * {@code ObjectMapper}: the same trees, the same failures and the same bytes as {@code ObjectMapper.readTree} and
 * {@code writeValueAsBytes} with default settings (checked against them in {@code JsonTreesUnitTest}). An
 * {@code ObjectMapper}'s first use loads some 300 classes and the JDK's calendar data for its date format, about a
 * tenth of a node registration's cold start, for features no caller here uses.
 *
 * <p>Like the mapper, a read takes the first value of its input and ignores what follows it, and an input with no
 * value is a {@link com.fasterxml.jackson.databind.node.MissingNode}. Both directions are iterative: a tree as deep as
 * the factory's nesting limit never exhausts a thread's stack.
 */
public final class JsonTrees {

    /** Jackson's default limits. */
    public static final JsonFactory DEFAULT = new JsonFactory();
    /**
     * Go's encoding/json nests up to 10,000 levels, reading and writing; Jackson's defaults stop at 1,000 (a stored
     * value nested deeper was read, and then could not be written back).
     */
    public static final JsonFactory GO = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(10_000).build()).build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /** The first JSON value of {@code text}, read with {@code factory}'s limits. */
    public static JsonNode read(JsonFactory factory, String text) throws JsonProcessingException {
        try (JsonParser parser = factory.createParser(text)) {
            return read(parser);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory", e);
        }
    }

    /** The first JSON value of {@code json} (UTF-8, or an encoding Jackson detects), with {@code factory}'s limits. */
    public static JsonNode read(JsonFactory factory, byte[] json) throws JsonProcessingException {
        try (JsonParser parser = factory.createParser(json)) {
            return read(parser);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory", e);
        }
    }

    /** {@code tree} as compact JSON in UTF-8, as {@code ObjectMapper.writeValueAsBytes} writes it. */
    public static byte[] bytes(JsonFactory factory, JsonNode tree) {
        try (ByteArrayBuilder out = new ByteArrayBuilder()) {
            try (JsonGenerator generator = factory.createGenerator(out)) {
                write(generator, tree);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a JSON tree", e);
        }
    }

    /** {@code tree} as compact JSON text, as {@code JsonNode.toString()} writes it. */
    public static String string(JsonNode tree) {
        return new String(bytes(DEFAULT, tree), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return NODES.missingNode();
        }
        if (!token.isStructStart()) {
            return scalar(parser, token);
        }
        // Open containers, innermost first. Names are read with nextFieldName, as the mapper's tree reader does (its
        // errors for a malformed value after a name come from that path).
        Deque<ContainerNode<?>> open = new ArrayDeque<>();
        ContainerNode<?> root = token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        open.push(root);
        while (!open.isEmpty()) {
            ContainerNode<?> parent = open.peek();
            String name = null;
            if (parent instanceof ObjectNode) {
                name = parser.nextFieldName();
                if (name == null) {
                    // The object's end: anything else is reported by the parser.
                    open.pop();
                    continue;
                }
            }
            token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                open.pop();
                continue;
            }
            JsonNode value;
            if (token == JsonToken.START_OBJECT) {
                value = NODES.objectNode();
            } else if (token == JsonToken.START_ARRAY) {
                value = NODES.arrayNode();
            } else {
                value = scalar(parser, token);
            }
            if (parent instanceof ObjectNode object) {
                // A repeated name keeps its first place and takes its last value, as the mapper does.
                object.replace(name, value);
            } else {
                ((ArrayNode) parent).add(value);
            }
            if (value instanceof ContainerNode<?> container) {
                open.push(container);
            }
        }
        return root;
    }

    /**
     * The scalar at the parser's current {@code token}, as the mapper's tree deserializer makes it (default features:
     * no BigDecimal for floats).
     */
    public static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                switch (parser.getNumberType()) {
                    case INT:
                        return NODES.numberNode(parser.getIntValue());
                    case LONG:
                        return NODES.numberNode(parser.getLongValue());
                    default:
                        return NODES.numberNode(parser.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                switch (parser.getNumberType()) {
                    case BIG_DECIMAL:
                        return NODES.numberNode(parser.getDecimalValue());
                    case FLOAT:
                        return NODES.numberNode(parser.getFloatValue());
                    default:
                        return NODES.numberNode(parser.getDoubleValue());
                }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new IOException("unexpected JSON token " + token);
        }
    }

    private static void write(JsonGenerator generator, JsonNode tree) throws IOException {
        if (!tree.isContainerNode()) {
            scalar(generator, tree);
            return;
        }
        // Per open container: an iterator over its remaining entries (objects) or elements (arrays).
        Deque<Iterator<?>> open = new ArrayDeque<>();
        open.push(start(generator, tree));
        while (!open.isEmpty()) {
            Iterator<?> remaining = open.peek();
            if (!remaining.hasNext()) {
                open.pop();
                if (remaining instanceof ObjectEntries) {
                    generator.writeEndObject();
                } else {
                    generator.writeEndArray();
                }
                continue;
            }
            Object next = remaining.next();
            JsonNode value;
            if (next instanceof Map.Entry<?, ?> entry) {
                generator.writeFieldName((String) entry.getKey());
                value = (JsonNode) entry.getValue();
            } else {
                value = (JsonNode) next;
            }
            if (value.isContainerNode()) {
                open.push(start(generator, value));
            } else {
                scalar(generator, value);
            }
        }
    }

    private static Iterator<?> start(JsonGenerator generator, JsonNode container) throws IOException {
        if (container.isObject()) {
            generator.writeStartObject();
            return new ObjectEntries(container.properties().iterator());
        }
        generator.writeStartArray();
        return container.elements();
    }

    /** An object's remaining entries (told apart from an array's elements when the container closes). */
    private record ObjectEntries(Iterator<Map.Entry<String, JsonNode>> entries)
            implements Iterator<Map.Entry<String, JsonNode>> {
        @Override
        public boolean hasNext() {
            return entries.hasNext();
        }

        @Override
        public Map.Entry<String, JsonNode> next() {
            return entries.next();
        }
    }

    /** A scalar as its node's own {@code serialize} writes it. */
    private static void scalar(JsonGenerator generator, JsonNode value) throws IOException {
        switch (value.getNodeType()) {
            case STRING:
                generator.writeString(value.textValue());
                return;
            case BOOLEAN:
                generator.writeBoolean(value.booleanValue());
                return;
            case NULL:
            case MISSING:
                generator.writeNull();
                return;
            case NUMBER:
                switch (value.numberType()) {
                    case INT:
                        generator.writeNumber(value.intValue());
                        return;
                    case LONG:
                        generator.writeNumber(value.longValue());
                        return;
                    case BIG_INTEGER:
                        generator.writeNumber(value.bigIntegerValue());
                        return;
                    case FLOAT:
                        generator.writeNumber(value.floatValue());
                        return;
                    case DOUBLE:
                        generator.writeNumber(value.doubleValue());
                        return;
                    default:
                        generator.writeNumber(value.decimalValue());
                        return;
                }
            default:
                // Binary and POJO nodes: never read from JSON text, never built here.
                throw new IllegalArgumentException("cannot write a " + value.getNodeType() + " node as JSON");
        }
    }
}
