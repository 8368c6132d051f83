package org.calicostartup.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonTrees} against what it replaces, {@code ObjectMapper.readTree} and {@code writeValueAsBytes} with default
 * settings on the same factory: the same outcome (a tree of the same node classes, or the same parse error) and the
 * same bytes written, for edge cases and for random documents.
 */
class JsonTreesUnitTest {

    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper(JsonTrees.DEFAULT);
    private static final ObjectMapper GO_MAPPER = new ObjectMapper(JsonTrees.GO);

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "null", "true", "false", "0", "-0", "1", "-1", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "0.0", "-0.0", "1.5", "1e2", "1E+2", "1.0000000000000001", "1e400", "-1e400",
        "4.9e-325", "0.1", "\"\"", "\"a\\u0000b\\u001f\\\"\\\\/\\b\\f\\n\\r\\t\"",
        "\"\\ud83d\\ude00 é \u00e9 \u2028\"",
        "[]", "{}", "[[]]", "{\"a\":{}}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}",
        "{\"a\":1} trailing", "{\"a\":1} {", "[1,2] ]", " \n\t{\"spec\" : { \"bgp\" : { } } } ",
        "[1,2", "{\"a\":}", "{a:1}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "'a'", "NaN", "01", "1.", ".5", "+1",
        "\"unterminated", "{\"a\":\"\u0001\"}", "[\"\\ud800\"]", "tru", "nul"})
    void readsAndWritesAsTheMapperDoes(String text) {
        sameAsMapper(JsonTrees.GO, GO_MAPPER, text);
        sameAsMapper(JsonTrees.DEFAULT, DEFAULT_MAPPER, text);
    }

    @Test
    void nestingLimitsAreTheFactorys() throws JsonProcessingException {
        // Beyond Jackson's default limit, within Go's (and shallow enough for the mapper's recursive equals).
        String deep = "[".repeat(1_500) + "]".repeat(1_500);
        sameAsMapper(JsonTrees.DEFAULT, DEFAULT_MAPPER, deep);
        sameAsMapper(JsonTrees.GO, GO_MAPPER, deep);
        assertThrows(JsonProcessingException.class, () -> JsonTrees.read(JsonTrees.DEFAULT, deep));
        // Within Go's limit, and far deeper than a recursive reader or writer could go on a small stack.
        String deepest = "{\"a\":".repeat(9_999) + "1" + "}".repeat(9_999);
        byte[][] written = new byte[1][];
        Throwable[] failure = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                written[0] = JsonTrees.bytes(JsonTrees.GO, JsonTrees.read(JsonTrees.GO, deepest));
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 64 * 1024);
        small.start();
        assertTrue(join(small), "still running after a minute");
        assertEquals(null, failure[0]);
        assertEquals(deepest, new String(written[0], StandardCharsets.UTF_8));
    }

    @Test
    void bytesInOtherEncodingsAreDetectedAsTheMapperDoes() throws Exception {
        String text = "{\"name\":\"n\u00e9\",\"n\":[1,2.5]}";
        for (java.nio.charset.Charset charset : new java.nio.charset.Charset[] {StandardCharsets.UTF_8,
                StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE}) {
            byte[] bytes = text.getBytes(charset);
            assertEquals(GO_MAPPER.readTree(bytes), JsonTrees.read(JsonTrees.GO, bytes), charset.name());
        }
    }

    @Test
    void stringIsWhatToStringWas() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode claim = nodes.objectNode().put("node", "AMZ-IAD12-OpsResPool-13-33 \"é\"\u0007");
        assertEquals(claim.toString(), JsonTrees.string(claim));
        JsonNode refs = nodes.arrayNode().add(nodes.objectNode().put("orchestrator", "k8s").put("nodeName", "n"));
        assertEquals(refs.toString(), JsonTrees.string(refs));
    }

    @Property(tries = 500)
    void randomDocumentsReadAndWriteAsTheMapperDoes(@ForAll("documents") String text) {
        sameAsMapper(JsonTrees.GO, GO_MAPPER, text);
    }

    @Provide
    Arbitrary<String> documents() {
        return value(4);
    }

    /** Documents cut short or with a character changed: the same tree or the same error as the mapper. */
    @Property(tries = 500)
    void damagedDocumentsReadAsTheMapperReadsThem(@ForAll("documents") String text, @ForAll("fractions") double at,
            @ForAll("damage") char replacement, @ForAll boolean cut) {
        int position = (int) (at * text.length());
        String damaged = cut ? text.substring(0, position)
                : text.substring(0, position) + replacement + text.substring(Math.min(text.length(), position + 1));
        sameAsMapper(JsonTrees.GO, GO_MAPPER, damaged);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1).filter(d -> d < 1);
    }

    @Provide
    Arbitrary<Character> damage() {
        return Arbitraries.of('{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '-', '.', 'e', 'x', 't', 'n', '\u0000');
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> strings = Arbitraries.strings().all().ofMaxLength(12).map(JsonTreesUnitTest::quoted);
        Arbitrary<String> numbers = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(),
                        java.math.BigInteger.TEN.pow(30)).map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(25)
                        .map(digits -> digits.replaceFirst("^0+(?=.)", "")),
                Arbitraries.of("1e10", "2.5E-3", "-0", "-0.0", "1e309", "123.4560", "7E0"));
        Arbitrary<String> scalars = Arbitraries.oneOf(strings, numbers, Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> child = Arbitraries.lazy(() -> value(depth - 1));
        Arbitrary<String> arrays = child.list().ofMaxSize(4).map(items -> "[" + String.join(" , ", items) + "]");
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("a", "b", "spec", "bgp", "ipv4Address"),
                Arbitraries.strings().all().ofMaxLength(6)).map(JsonTreesUnitTest::quoted);
        Arbitrary<String> objects = Arbitraries.entries(names, child).list().ofMaxSize(5).map(fields -> {
            StringBuilder out = new StringBuilder("{");
            for (Map.Entry<String, String> field : fields) {
                out.append(out.length() > 1 ? ",\n" : "").append(field.getKey()).append(':').append(field.getValue());
            }
            return out.append('}').toString();
        });
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped, all else (lone surrogates) kept. */
    private static String quoted(String raw) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : raw.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static void sameAsMapper(JsonFactory factory, ObjectMapper mapper, String text) {
        JsonNode expected;
        try {
            expected = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonProcessingException actual = assertThrows(JsonProcessingException.class,
                    () -> JsonTrees.read(factory, text), text);
            assertEquals(e.getOriginalMessage(), actual.getOriginalMessage(), text);
            return;
        }
        JsonNode actual;
        try {
            actual = JsonTrees.read(factory, text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("the mapper read " + text + " but JsonTrees failed: " + e.getMessage(), e);
        }
        assertSameTree(expected, actual, text);
        try {
            assertArrayEquals(mapper.writeValueAsBytes(expected), JsonTrees.bytes(factory, actual), text);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Equal, and of the same node classes (IntNode or LongNode, DoubleNode or DecimalNode matter when written). */
    private static void assertSameTree(JsonNode expected, JsonNode actual, String text) {
        assertEquals(expected, actual, text);
        java.util.Deque<JsonNode[]> pairs = new java.util.ArrayDeque<>();
        pairs.push(new JsonNode[] {expected, actual});
        while (!pairs.isEmpty()) {
            JsonNode[] pair = pairs.pop();
            assertEquals(pair[0].getClass(), pair[1].getClass(), text);
            Iterator<String> names = pair[0].fieldNames();
            Iterator<String> actualNames = pair[1].fieldNames();
            while (names.hasNext()) {
                assertEquals(names.next(), actualNames.next(), "field order in " + text);
            }
            for (int i = 0; i < pair[0].size(); i++) {
                if (pair[0].isArray()) {
                    pairs.push(new JsonNode[] {pair[0].get(i), pair[1].get(i)});
                }
            }
            pair[0].properties().forEach(entry -> pairs.push(new JsonNode[] {entry.getValue(),
                    pair[1].get(entry.getKey())}));
        }
    }

    private static boolean join(Thread thread) {
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
