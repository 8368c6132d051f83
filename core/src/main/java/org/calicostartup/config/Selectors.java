package org.calicostartup.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Calico selector against Calico's grammar (libcalico-go lib/selector/tokenizer/tokenizer.go and
 * parser/parser.go @v3.22.1): {@code all()}, {@code global()}, {@code has(k)}, {@code k == "v"}, {@code k != "v"},
 * {@code k in {"a","b"}}, {@code k not in {...}}, {@code contains}, {@code starts with}, {@code ends with}, {@code !},
 * {@code &&}, {@code ||} and parentheses; strings in double or single quotes. Only validity is decided here; nothing
 * is evaluated.
 */
final class Selectors {

    private static final String LABEL = "[a-zA-Z0-9_./-]{1,512}";
    private static final Pattern IDENTIFIER = Pattern.compile("^" + LABEL);
    private static final Pattern HAS = Pattern.compile("^has\\(\\s*(" + LABEL + ")\\s*\\)");
    private static final Pattern ALL = Pattern.compile("^all\\(\\s*\\)");
    private static final Pattern GLOBAL = Pattern.compile("^global\\(\\s*\\)");
    private static final Pattern CONTAINS = Pattern.compile("^contains");
    private static final Pattern STARTS_WITH = Pattern.compile("^starts\\s*with");
    private static final Pattern ENDS_WITH = Pattern.compile("^ends\\s*with");
    private static final Pattern NOT_IN = Pattern.compile("^not\\s*in\\b");
    private static final Pattern IN = Pattern.compile("^in\\b");

    private enum Kind { LABEL, STRING, LBRACE, RBRACE, COMMA, EQ, NE, IN, NOT, NOT_IN, CONTAINS, STARTS_WITH,
        ENDS_WITH, ALL, HAS, LPAREN, RPAREN, AND, OR, GLOBAL, EOF }

    private Selectors() {
    }

    /** Why {@code selector} is not a valid Calico selector, or empty if it is one. */
    static Optional<String> validate(String selector) {
        try {
            List<Kind> tokens = tokenize(selector);
            int end = new Parser(tokens).orExpression(0);
            if (tokens.get(end) != Kind.EOF) {
                return Optional.of("unexpected content at end of selector");
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static List<Kind> tokenize(String text) {
        List<Kind> tokens = new ArrayList<>();
        String input = text;
        while (true) {
            input = input.replaceFirst("^[ \\t]+", "");
            if (input.isEmpty()) {
                tokens.add(Kind.EOF);
                return tokens;
            }
            Kind last = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1);
            char c = input.charAt(0);
            int consumed;
            switch (c) {
                case '(' -> { tokens.add(Kind.LPAREN); consumed = 1; }
                case ')' -> { tokens.add(Kind.RPAREN); consumed = 1; }
                case '{' -> { tokens.add(Kind.LBRACE); consumed = 1; }
                case '}' -> { tokens.add(Kind.RBRACE); consumed = 1; }
                case ',' -> { tokens.add(Kind.COMMA); consumed = 1; }
                case '"', '\'' -> {
                    int close = input.indexOf(c, 1);
                    if (close < 0) {
                        throw new IllegalArgumentException("unterminated string");
                    }
                    tokens.add(Kind.STRING);
                    consumed = close + 1;
                }
                case '=' -> consumed = pair(input, '=', Kind.EQ, tokens, "expected ==");
                case '&' -> consumed = pair(input, '&', Kind.AND, tokens, "expected &&");
                case '|' -> consumed = pair(input, '|', Kind.OR, tokens, "expected ||");
                case '!' -> {
                    boolean ne = input.length() > 1 && input.charAt(1) == '=';
                    tokens.add(ne ? Kind.NE : Kind.NOT);
                    consumed = ne ? 2 : 1;
                }
                default -> consumed = word(input, last, tokens);
            }
            input = input.substring(consumed);
        }
    }

    private static int pair(String input, char second, Kind kind, List<Kind> tokens, String error) {
        if (input.length() > 1 && input.charAt(1) == second) {
            tokens.add(kind);
            return 2;
        }
        throw new IllegalArgumentException(error);
    }

    private static int word(String input, Kind last, List<Kind> tokens) {
        if (last == Kind.LABEL) {
            for (Object[] op : new Object[][] {{CONTAINS, Kind.CONTAINS}, {STARTS_WITH, Kind.STARTS_WITH},
                    {ENDS_WITH, Kind.ENDS_WITH}, {NOT_IN, Kind.NOT_IN}, {IN, Kind.IN}}) {
                Matcher m = ((Pattern) op[0]).matcher(input);
                if (m.find()) {
                    tokens.add((Kind) op[1]);
                    return m.end();
                }
            }
            throw new IllegalArgumentException("unexpected characters after a label, was expecting an operator");
        }
        for (Object[] op : new Object[][] {{HAS, Kind.HAS}, {ALL, Kind.ALL}, {GLOBAL, Kind.GLOBAL},
                {IDENTIFIER, Kind.LABEL}}) {
            Matcher m = ((Pattern) op[0]).matcher(input);
            if (m.find()) {
                tokens.add((Kind) op[1]);
                return m.end();
            }
        }
        throw new IllegalArgumentException("unexpected characters");
    }

    /** Recursive descent over the token kinds; each method returns the index after what it parsed. */
    private record Parser(List<Kind> tokens) {

        int orExpression(int at) {
            int next = andExpression(at);
            while (tokens.get(next) == Kind.OR) {
                next = andExpression(next + 1);
            }
            return next;
        }

        int andExpression(int at) {
            int next = operation(at);
            while (tokens.get(next) == Kind.AND) {
                next = operation(next + 1);
            }
            return next;
        }

        int operation(int at) {
            while (tokens.get(at) == Kind.NOT) {
                at++;
            }
            switch (tokens.get(at)) {
                case HAS, ALL, GLOBAL:
                    return at + 1;
                case LABEL:
                    return comparison(at);
                case LPAREN:
                    int end = orExpression(at + 1);
                    if (tokens.get(end) != Kind.RPAREN) {
                        throw new IllegalArgumentException("expected )");
                    }
                    return end + 1;
                default:
                    throw new IllegalArgumentException("unexpected " + describe(tokens.get(at)));
            }
        }

        private int comparison(int at) {
            if (at + 2 >= tokens.size()) {
                throw new IllegalArgumentException("unexpected end of selector in the middle of an operation");
            }
            Kind op = tokens.get(at + 1);
            switch (op) {
                case EQ, NE, CONTAINS, STARTS_WITH, ENDS_WITH:
                    if (tokens.get(at + 2) != Kind.STRING) {
                        throw new IllegalArgumentException("expected a quoted string");
                    }
                    return at + 3;
                case IN, NOT_IN:
                    if (tokens.get(at + 2) != Kind.LBRACE) {
                        throw new IllegalArgumentException("expected a set literal {\"a\", \"b\"}");
                    }
                    int next = at + 3;
                    while (tokens.get(next) == Kind.STRING) {
                        next++;
                        if (tokens.get(next) != Kind.COMMA) {
                            break;
                        }
                        next++;
                    }
                    if (tokens.get(next) != Kind.RBRACE) {
                        throw new IllegalArgumentException("expected }");
                    }
                    return next + 1;
                default:
                    throw new IllegalArgumentException("expected == or != after a label, not " + describe(op));
            }
        }

        private static String describe(Kind kind) {
            return kind == Kind.EOF ? "end of selector" : kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
