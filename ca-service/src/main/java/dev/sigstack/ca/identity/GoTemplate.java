package dev.sigstack.ca.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subset of Go's {@code text/template} that Fulcio's ci-provider templates use, executed as Fulcio executes
 * them ({@code template.New("").Option("missingkey=error")} over a {@code map[string]string} of claims and
 * defaults): text; {@code {{ .name }}} (a missing key is an error); {@code {{ index . "key" }}} with or without
 * parentheses (a missing key gives the empty string, as Go's {@code index} does); {@code {{ if eq A B }}},
 * {@code {{ else }}}, {@code {{ end }}}; {@code {{- }}} and {@code {{ -}}} trimming; {@code {{/* comments *\/}}}.
 *
 * <p>Hand-written: no Java library implements Go's template language, and the subset is small. Anything outside it
 * is refused when the identity config is loaded, so a template never runs with a meaning Go would not give it.
 */
final class GoTemplate {
    private sealed interface Node permits Text, Value, If { }

    private record Text(String text) implements Node { }

    private record Value(Arg arg) implements Node { }

    private record If(Cond cond, List<Node> then, List<Node> otherwise) implements Node { }

    private sealed interface Arg permits Field, Index, Literal { }

    private record Field(String name) implements Arg { }

    private record Index(String key) implements Arg { }

    private record Literal(String value) implements Arg { }

    /** {@code eq a b}, or a single argument tested for non-emptiness. */
    private record Cond(Arg left, Arg right) { }

    private final List<Node> nodes;

    private GoTemplate(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Whether Fulcio treats {@code s} as a template (it contains {@code {{}) rather than a claim name. */
    static boolean isTemplate(String s) {
        return s.contains("{{");
    }

    static GoTemplate parse(String template) throws InvalidIdentityConfigException {
        List<Object> tokens = new ArrayList<>(); // String text or Action
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                tokens.add(template.substring(i));
                break;
            }
            String text = template.substring(i, open);
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new InvalidIdentityConfigException("template '" + template + "': unclosed action");
            }
            String inner = template.substring(open + 2, close);
            boolean trimLeft = inner.startsWith("- ") || inner.equals("-");
            boolean trimRight = inner.endsWith(" -");
            if (trimLeft) {
                text = text.stripTrailing();
                inner = inner.substring(1);
            }
            if (trimRight) {
                inner = inner.substring(0, inner.length() - 1);
            }
            tokens.add(text);
            tokens.add(new Action(inner.strip()));
            i = close + 2;
            if (trimRight) {
                while (i < template.length() && Character.isWhitespace(template.charAt(i))) {
                    i++;
                }
            }
        }
        int[] pos = {0};
        List<Node> nodes = parseList(tokens, pos, template, false);
        if (pos[0] != tokens.size()) {
            throw new InvalidIdentityConfigException("template '" + template + "': unexpected {{" + tokens.get(pos[0]) + "}}");
        }
        return new GoTemplate(nodes);
    }

    private record Action(String body) {
        @Override
        public String toString() {
            return body;
        }
    }

    private static List<Node> parseList(List<Object> tokens, int[] pos, String template, boolean inIf)
            throws InvalidIdentityConfigException {
        List<Node> out = new ArrayList<>();
        while (pos[0] < tokens.size()) {
            Object t = tokens.get(pos[0]);
            if (t instanceof String s) {
                if (!s.isEmpty()) {
                    out.add(new Text(s));
                }
                pos[0]++;
                continue;
            }
            String body = ((Action) t).body();
            if (body.startsWith("/*") && body.endsWith("*/")) {
                pos[0]++;
                continue;
            }
            if (body.equals("else") || body.equals("end")) {
                if (!inIf) {
                    throw new InvalidIdentityConfigException("template '" + template + "': unexpected {{" + body + "}}");
                }
                return out;
            }
            pos[0]++;
            if (body.startsWith("if ")) {
                Cond cond = cond(body.substring(3).strip(), template);
                List<Node> then = parseList(tokens, pos, template, true);
                List<Node> otherwise = List.of();
                if (pos[0] < tokens.size() && ((Action) tokens.get(pos[0])).body().equals("else")) {
                    pos[0]++;
                    otherwise = parseList(tokens, pos, template, true);
                }
                if (pos[0] >= tokens.size() || !((Action) tokens.get(pos[0])).body().equals("end")) {
                    throw new InvalidIdentityConfigException("template '" + template + "': {{if}} without {{end}}");
                }
                pos[0]++;
                out.add(new If(cond, then, otherwise));
                continue;
            }
            out.add(new Value(arg(body, template)));
        }
        if (inIf) {
            throw new InvalidIdentityConfigException("template '" + template + "': {{if}} without {{end}}");
        }
        return out;
    }

    private static Cond cond(String s, String template) throws InvalidIdentityConfigException {
        if (s.startsWith("eq ")) {
            List<String> args = split(s.substring(3).strip(), template);
            if (args.size() != 2) {
                throw new InvalidIdentityConfigException("template '" + template + "': eq takes two arguments here");
            }
            return new Cond(arg(args.get(0), template), arg(args.get(1), template));
        }
        return new Cond(arg(s, template), null);
    }

    /** Splits arguments on spaces outside quotes and parentheses. */
    private static List<String> split(String s, String template) throws InvalidIdentityConfigException {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                cur.append(c);
                if (c == '\\' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ' ' && depth == 0) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                continue;
            }
            cur.append(c);
        }
        if (quoted || depth != 0) {
            throw new InvalidIdentityConfigException("template '" + template + "': unbalanced quotes or parentheses");
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    private static Arg arg(String s, String template) throws InvalidIdentityConfigException {
        s = s.strip();
        if (s.startsWith("(") && s.endsWith(")")) {
            return arg(s.substring(1, s.length() - 1), template);
        }
        if (s.matches("\\.[A-Za-z_][A-Za-z0-9_]*")) {
            return new Field(s.substring(1));
        }
        if (s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2) {
            return new Literal(unquote(s.substring(1, s.length() - 1), template));
        }
        if (s.startsWith("index ")) {
            List<String> args = split(s.substring(6).strip(), template);
            if (args.size() == 2 && args.get(0).equals(".") && args.get(1).startsWith("\"") && args.get(1).endsWith("\"")) {
                return new Index(unquote(args.get(1).substring(1, args.get(1).length() - 1), template));
            }
        }
        throw new InvalidIdentityConfigException("template '" + template + "': unsupported action {{" + s
            + "}} (supported: .name, index . \"key\", if eq a b / else / end)");
    }

    private static String unquote(String s, String template) throws InvalidIdentityConfigException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 >= s.length() || "\"\\".indexOf(s.charAt(i + 1)) < 0) {
                    throw new InvalidIdentityConfigException("template '" + template + "': unsupported escape in a string literal");
                }
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Executes the template over {@code data}; a missing {@code .name} is an error, as with missingkey=error. */
    String execute(Map<String, String> data) throws InvalidTokenException {
        StringBuilder out = new StringBuilder();
        run(nodes, data, out);
        return out.toString();
    }

    private static void run(List<Node> nodes, Map<String, String> data, StringBuilder out) throws InvalidTokenException {
        for (Node n : nodes) {
            switch (n) {
                case Text t -> out.append(t.text());
                case Value v -> out.append(eval(v.arg(), data));
                case If f -> {
                    Cond c = f.cond();
                    boolean yes = c.right() == null ? !eval(c.left(), data).isEmpty()
                        : eval(c.left(), data).equals(eval(c.right(), data));
                    run(yes ? f.then() : f.otherwise(), data, out);
                }
            }
        }
    }

    private static String eval(Arg a, Map<String, String> data) throws InvalidTokenException {
        return switch (a) {
            case Field f -> {
                String v = data.get(f.name());
                if (v == null) {
                    throw new InvalidTokenException("map has no entry for key \"" + f.name() + "\" (not in the token's claims"
                        + " or the issuer's default values)");
                }
                yield v;
            }
            case Index i -> data.getOrDefault(i.key(), "");
            case Literal l -> l.value();
        };
    }
}
