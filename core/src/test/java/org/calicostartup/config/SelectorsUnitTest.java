package org.calicostartup.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Calico's selector grammar (libcalico-go lib/selector/parser/parser_test.go@v3.22.1 uses the same forms). */
class SelectorsUnitTest {

    @ParameterizedTest
    @ValueSource(strings = {"all()", "global()", "has(edge)", "!has(edge)", "zone == \"a\"", "zone != 'a'",
        "zone in {\"a\", \"b\"}", "zone not in {}", "zone notin {'a'}", "a == \"x\" && b == \"y\"",
        "(a == \"x\" || b == \"y\") && !has(c)", "kubernetes.io/os == \"linux\"", "name starts with \"node-\"",
        "name ends with \"-1\"", "name contains \"x\"", "  all( )  ", "!!has(a)", "has( a )"})
    void valid(String selector) {
        assertTrue(Selectors.validate(selector).isEmpty(), () -> selector + ": " + Selectors.validate(selector));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "all", "has()", "zone = \"a\"", "zone == a", "zone ==", "zone in \"a\"",
        "zone in {\"a\"", "(all()", "all())", "a == \"x\" &", "a == \"x\" |", "\"unterminated", "zone",
        "all() all()", "zone like \"a\"", "@"})
    void invalid(String selector) {
        assertTrue(Selectors.validate(selector).isPresent(), selector);
    }
}
