package dev.sigstack.gate.predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A CUE policy in the subset this gate understands (see the package documentation and the README). Anything outside
 * the subset is refused at compile time with the line and the construct, never silently ignored.
 */
public final class CuePolicy implements PredicatePolicy {
    private static final Set<String> IMPORTS = Set.of("time", "strings", "struct", "list");

    /** A CUE value or constraint of the subset. */
    sealed interface Value permits Struct, Concrete, Bound, Regex, Kind, Disj, Conj, Ref, ListVal, Bottom, Count {
    }

    /** {@code struct.MinFields/MaxFields} and {@code list.MinItems/MaxItems}: a bound on the number of members. */
    record Count(boolean struct, boolean min, int n) implements Value {
    }

    /** A field of a struct; {@code value} applies to {@code label}. */
    record Field(String label, Value value) {
    }

    /** A struct with its fields in order (a label may repeat: the values unify). */
    record Struct(List<Field> fields, Struct parent) implements Value {
    }

    /** A concrete value: String, BigDecimal, Boolean or null (NullValue). */
    record Concrete(Object value) implements Value {
    }

    /** A bound {@code < <= > >= !=} on a value. */
    record Bound(String op, Value operand) implements Value {
    }

    /**
     * {@code =~} (negated false) or {@code !~} (negated true): CUE's regexps are Go's (RE2, matching anywhere), so
     * RE2/J compiles and {@code find()} matches.
     */
    record Regex(Pattern pattern, boolean negated) implements Value {
    }

    /** A basic type: string, bytes, int, float, number, bool, null, or top {@code _}. */
    record Kind(String name) implements Value {
    }

    /** A disjunction. */
    record Disj(List<Value> alternatives) implements Value {
    }

    /** A conjunction (unification). */
    record Conj(List<Value> parts) implements Value {
    }

    /** A reference to a field visible from {@code scope}. */
    record Ref(List<String> path, Struct scope) implements Value {
    }

    /** A list; {@code rest} is the element constraint of {@code ...T}, or null when closed. */
    record ListVal(List<Value> items, Value rest) implements Value {
    }

    /** Bottom {@code _|_}. */
    record Bottom() implements Value {
    }

    /** JSON null. */
    enum NullValue { NULL }

    private final Struct root;

    private CuePolicy(Struct root) {
        this.root = root;
    }

    /** Parses a policy; {@link IllegalArgumentException} names the unsupported construct. */
    public static CuePolicy compile(String source) {
        Objects.requireNonNull(source, "source");
        return new CuePolicy(new Parser(source).file());
    }

    @Override
    public void evaluate(JsonNode input) throws PolicyViolation {
        List<String> errors = new ArrayList<>();
        check(root, input, "", errors, 0);
        if (!errors.isEmpty()) {
            throw new PolicyViolation(String.join("\n", errors));
        }
    }

    // ---------------------------------------------------------------- evaluation

    private void check(Value v, JsonNode node, String path, List<String> errors, int depth) {
        if (depth > 64) {
            errors.add(path + ": reference cycle or nesting too deep");
            return;
        }
        if (node == null || node.isMissingNode()) {
            return; // a constraint on an absent field is incomplete, not a conflict (cuejson.Validate).
        }
        switch (v) {
            case Struct s -> {
                if (!node.isObject()) {
                    errors.add(at(path) + "conflicting values " + show(node) + " and {...} (mismatched types "
                            + kindOf(node) + " and struct)");
                    return;
                }
                for (Field f : s.fields()) {
                    check(f.value(), node.get(f.label()), join(path, f.label()), errors, depth + 1);
                }
            }
            case Concrete c -> {
                if (!equalsJson(c.value(), node)) {
                    errors.add(at(path) + "conflicting values " + showConcrete(c.value()) + " and " + show(node));
                }
            }
            case Bound b -> bound(b, node, path, errors, depth);
            case Regex r -> {
                if (!node.isTextual()) {
                    errors.add(at(path) + "conflicting values " + (r.negated() ? "!~" : "=~") + quote(
                            r.pattern().pattern()) + " and " + show(node) + " (mismatched types string and "
                            + kindOf(node) + ")");
                } else if (r.pattern().matcher(node.asText()).find() == r.negated()) {
                    errors.add(at(path) + "invalid value " + show(node) + " (out of bound " + (r.negated() ? "!~"
                            : "=~") + quote(r.pattern().pattern()) + ")");
                }
            }
            case Kind k -> {
                if (!kindMatches(k.name(), node)) {
                    errors.add(at(path) + "conflicting values " + k.name() + " and " + show(node)
                            + " (mismatched types " + k.name() + " and " + kindOf(node) + ")");
                }
            }
            case Disj d -> {
                List<String> last = new ArrayList<>();
                for (Value alt : d.alternatives()) {
                    List<String> e = new ArrayList<>();
                    check(alt, node, path, e, depth + 1);
                    if (e.isEmpty()) {
                        return;
                    }
                    last.addAll(e);
                }
                errors.add(at(path) + d.alternatives().size() + " errors in empty disjunction: "
                        + String.join("; ", last));
            }
            case Conj c -> {
                for (Value part : c.parts()) {
                    check(part, node, path, errors, depth + 1);
                }
            }
            case Ref r -> check(resolve(r, path), node, path, errors, depth + 1);
            case ListVal l -> {
                if (!node.isArray()) {
                    errors.add(at(path) + "conflicting values " + show(node) + " and [...] (mismatched types "
                            + kindOf(node) + " and list)");
                    return;
                }
                if (l.rest() == null && node.size() != l.items().size()) {
                    errors.add(at(path) + "incompatible list lengths (" + l.items().size() + " and " + node.size()
                            + ")");
                    return;
                }
                if (node.size() < l.items().size()) {
                    errors.add(at(path) + "incompatible list lengths (" + l.items().size() + " and " + node.size()
                            + ")");
                    return;
                }
                for (int i = 0; i < node.size(); i++) {
                    Value each = i < l.items().size() ? l.items().get(i) : l.rest();
                    check(each, node.get(i), path + "." + i, errors, depth + 1);
                }
            }
            case Bottom b -> errors.add(at(path) + "explicit error (_|_ literal) in source");
            case Count c -> {
                if (c.struct() ? !node.isObject() : !node.isArray()) {
                    errors.add(at(path) + "conflicting values " + show(node) + " and " + (c.struct() ? "struct"
                            : "list") + " constraint (mismatched types " + kindOf(node) + " and "
                            + (c.struct() ? "struct" : "list") + ")");
                } else if (c.min() ? node.size() < c.n() : node.size() > c.n()) {
                    errors.add(at(path) + "invalid value " + show(node) + " (does not satisfy " + (c.struct()
                            ? "struct." + (c.min() ? "MinFields" : "MaxFields") : "list." + (c.min() ? "MinItems"
                            : "MaxItems")) + "(" + c.n() + ")): len " + node.size());
                }
            }
        }
    }

    private void bound(Bound b, JsonNode node, String path, List<String> errors, int depth) {
        Object limit = concrete(b.operand(), path, depth);
        if (b.op().equals("!=")) {
            if (equalsJson(limit, node)) {
                errors.add(at(path) + "invalid value " + show(node) + " (out of bound !=" + showConcrete(limit)
                        + ")");
            }
            return;
        }
        int cmp;
        if (limit instanceof BigDecimal n && node.isNumber()) {
            cmp = node.decimalValue().compareTo(n);
        } else if (limit instanceof String s && node.isTextual()) {
            cmp = node.asText().compareTo(s);
        } else {
            errors.add(at(path) + "conflicting values " + b.op() + showConcrete(limit) + " and " + show(node)
                    + " (mismatched types " + (limit instanceof String ? "string" : "number") + " and "
                    + kindOf(node) + ")");
            return;
        }
        boolean ok = switch (b.op()) {
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            case ">=" -> cmp >= 0;
            default -> throw new IllegalStateException(b.op());
        };
        if (!ok) {
            errors.add(at(path) + "invalid value " + show(node) + " (out of bound " + b.op() + showConcrete(limit)
                    + ")");
        }
    }

    private Object concrete(Value v, String path, int depth) {
        if (depth > 64) {
            throw new IllegalStateException(path + ": reference cycle");
        }
        return switch (v) {
            case Concrete c -> c.value();
            case Ref r -> concrete(resolve(r, path), path, depth + 1);
            default -> throw new IllegalStateException(path + ": bound operand is not a concrete value");
        };
    }

    private Value resolve(Ref r, String path) {
        String first = r.path().get(0);
        for (Struct s = r.scope(); s != null; s = s.parent()) {
            Value found = lookup(s, first);
            if (found != null) {
                for (String sel : r.path().subList(1, r.path().size())) {
                    found = found instanceof Struct st ? lookup(st, sel) : null;
                    if (found == null) {
                        break;
                    }
                }
                if (found != null) {
                    return found;
                }
            }
        }
        throw new IllegalStateException(path + ": reference \"" + String.join(".", r.path()) + "\" not found");
    }

    private static Value lookup(Struct s, String label) {
        List<Value> matches = new ArrayList<>();
        for (Field f : s.fields()) {
            if (f.label().equals(label)) {
                matches.add(f.value());
            }
        }
        return matches.isEmpty() ? null : matches.size() == 1 ? matches.get(0) : new Conj(matches);
    }

    private static boolean kindMatches(String kind, JsonNode n) {
        return switch (kind) {
            case "_" -> true;
            case "string", "bytes" -> n.isTextual();
            case "int" -> n.isIntegralNumber() || (n.isNumber() && n.decimalValue().stripTrailingZeros().scale() <= 0
                    && !n.isFloatingPointNumber());
            case "float" -> n.isFloatingPointNumber();
            case "number" -> n.isNumber();
            case "bool" -> n.isBoolean();
            case "null" -> n.isNull();
            default -> false;
        };
    }

    private static boolean equalsJson(Object c, JsonNode n) {
        if (c instanceof String s) {
            return n.isTextual() && n.asText().equals(s);
        }
        if (c instanceof BigDecimal d) {
            return n.isNumber() && n.decimalValue().compareTo(d) == 0;
        }
        if (c instanceof Boolean b) {
            return n.isBoolean() && n.asBoolean() == b;
        }
        return c == NullValue.NULL && n.isNull();
    }

    private static String kindOf(JsonNode n) {
        return n.isObject() ? "struct" : n.isArray() ? "list" : n.isTextual() ? "string" : n.isBoolean() ? "bool"
                : n.isIntegralNumber() ? "int" : n.isNumber() ? "float" : "null";
    }

    private static String show(JsonNode n) {
        return n.isTextual() ? quote(n.asText()) : n.isContainerNode() ? (n.isObject() ? "{...}" : "[...]")
                : n.toString();
    }

    private static String showConcrete(Object o) {
        return o instanceof String s ? quote(s) : o == NullValue.NULL ? "null" : String.valueOf(o);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String join(String path, String label) {
        return path.isEmpty() ? label : path + "." + label;
    }

    // ---------------------------------------------------------------- parsing

    private static final class Parser {
        private static final int MAX_DEPTH = 64;
        private final String src;
        private int pos;
        private int depth;
        private final Map<String, String> imports = new HashMap<>();

        Parser(String src) {
            this.src = src;
        }

        Struct file() {
            skipSpace();
            if (peekWord("package")) {
                word();
                ident();
            }
            skipSpace();
            while (peekWord("import")) {
                word();
                skipSpace();
                if (peek('(')) {
                    pos++;
                    skipSpace();
                    while (!peek(')')) {
                        importSpec();
                        skipSpace();
                    }
                    pos++;
                } else {
                    importSpec();
                }
                skipSpace();
            }
            Struct root = new Struct(new ArrayList<>(), null);
            fields(root, true);
            return root;
        }

        private void importSpec() {
            skipSpace();
            String alias = null;
            if (Character.isLetter(cur())) {
                alias = ident();
                skipSpace();
            }
            String path = string();
            if (!IMPORTS.contains(path)) {
                throw error("import \"" + path + "\" is outside the supported CUE subset (time, strings)");
            }
            imports.put(alias != null ? alias : path, path);
        }

        private void fields(Struct into, boolean top) {
            while (true) {
                skipSpace();
                if (pos >= src.length()) {
                    if (!top) {
                        throw error("unexpected end of policy: missing '}'");
                    }
                    return;
                }
                if (!top && peek('}')) {
                    return;
                }
                if (peek(',')) {
                    pos++;
                    continue;
                }
                if (peek('{') && top) {
                    // An embedded struct at the top: its fields belong to the file.
                    pos++;
                    fields(into, false);
                    expect('}');
                    continue;
                }
                field(into);
            }
        }

        private void field(Struct into) {
            if (peekWord("if") || peekWord("for") || peekWord("let")) {
                throw error("comprehensions and let clauses (if, for, let) are outside the supported CUE subset");
            }
            List<String> labels = new ArrayList<>();
            labels.add(label());
            skipInline();
            expect(':');
            while (true) {
                skipSpace();
                int save = pos;
                if (cur() == '"' || isIdentStart(cur())) {
                    String l = tryLabelColon();
                    if (l != null) {
                        labels.add(l);
                        continue;
                    }
                    pos = save;
                }
                break;
            }
            Struct target = into;
            for (int i = 0; i < labels.size() - 1; i++) {
                Struct child = new Struct(new ArrayList<>(), target);
                target.fields().add(new Field(labels.get(i), child));
                target = child;
            }
            Value v = expr(target);
            target.fields().add(new Field(labels.get(labels.size() - 1), v));
        }

        /** Reads {@code label:} (not {@code label::}) or returns null. */
        private String tryLabelColon() {
            String l;
            try {
                l = label();
            } catch (IllegalArgumentException e) {
                return null;
            }
            skipInline();
            if (peek(':') && !(pos + 1 < src.length() && src.charAt(pos + 1) == ':')) {
                pos++;
                return l;
            }
            return null;
        }

        private String label() {
            skipSpace();
            String l;
            if (peek('"')) {
                l = string();
            } else if (peek('[')) {
                throw error("pattern constraints ([...]: T) are outside the supported CUE subset");
            } else if (peek('#') && !src.startsWith("#\"", pos)) {
                throw error("definitions (#Name) are outside the supported CUE subset");
            } else if (isIdentStart(cur())) {
                l = ident();
            } else {
                throw error("expected a field label");
            }
            if (peek('?') || peek('!')) {
                pos++;
            }
            return l;
        }

        private Value expr(Struct scope) {
            List<Value> alts = new ArrayList<>();
            alts.add(conj(scope));
            while (true) {
                skipInline();
                if (peek('|') && !src.startsWith("||", pos)) {
                    pos++;
                    alts.add(conj(scope));
                } else {
                    break;
                }
            }
            return alts.size() == 1 ? alts.get(0) : new Disj(alts);
        }

        private Value conj(Struct scope) {
            List<Value> parts = new ArrayList<>();
            parts.add(unary(scope));
            while (true) {
                skipInline();
                if (peek('&') && !src.startsWith("&&", pos)) {
                    pos++;
                    parts.add(unary(scope));
                } else {
                    break;
                }
            }
            return parts.size() == 1 ? parts.get(0) : new Conj(parts);
        }

        private Value unary(Struct scope) {
            skipSpace();
            for (String op : List.of("<=", ">=", "!=", "=~", "!~", "<", ">")) {
                if (src.startsWith(op, pos)) {
                    pos += op.length();
                    Value operand = primary(scope);
                    if (op.equals("=~") || op.equals("!~")) {
                        if (!(operand instanceof Concrete c) || !(c.value() instanceof String re)) {
                            throw error("the operand of " + op + " must be a string literal");
                        }
                        try {
                            return new Regex(Pattern.compile(re), op.equals("!~"));
                        } catch (PatternSyntaxException e) {
                            throw error("invalid regular expression " + quote(re) + ": " + e.getMessage());
                        }
                    }
                    return new Bound(op, operand);
                }
            }
            if (peek('*')) {
                pos++; // default marker: irrelevant to validation.
            }
            if (src.startsWith("==", pos) || src.startsWith("&&", pos) || src.startsWith("||", pos)) {
                throw error("comparison and boolean operators are outside the supported CUE subset");
            }
            return primary(scope);
        }

        private Value primary(Struct scope) {
            if (++depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH + " levels");
            }
            try {
                return primaryAt(scope);
            } finally {
                depth--;
            }
        }

        private Value primaryAt(Struct scope) {
            skipSpace();
            char c = cur();
            if (c == '{') {
                pos++;
                Struct s = new Struct(new ArrayList<>(), scope);
                fields(s, false);
                expect('}');
                return s;
            }
            if (c == '[') {
                pos++;
                List<Value> items = new ArrayList<>();
                Value rest = null;
                while (true) {
                    skipSpace();
                    if (peek(']')) {
                        pos++;
                        break;
                    }
                    if (src.startsWith("...", pos)) {
                        pos += 3;
                        skipSpace();
                        rest = peek(']') ? new Kind("_") : expr(scope);
                        skipSpace();
                        expect(']');
                        break;
                    }
                    items.add(expr(scope));
                    skipSpace();
                    if (peek(',')) {
                        pos++;
                    }
                }
                return new ListVal(items, rest);
            }
            if (c == '(') {
                pos++;
                Value v = expr(scope);
                skipSpace();
                expect(')');
                return v;
            }
            if (c == '"' || src.startsWith("#\"", pos)) {
                return new Concrete(string());
            }
            if (c == '-' || Character.isDigit(c)) {
                return new Concrete(number());
            }
            if (src.startsWith("_|_", pos)) {
                pos += 3;
                return new Bottom();
            }
            if (isIdentStart(c)) {
                String id = ident();
                switch (id) {
                    case "true":
                        return new Concrete(Boolean.TRUE);
                    case "false":
                        return new Concrete(Boolean.FALSE);
                    case "null":
                        return new Concrete(NullValue.NULL);
                    case "_", "string", "bytes", "int", "float", "number", "bool":
                        return new Kind(id);
                    default:
                        break;
                }
                if (imports.containsKey(id) && peek('.')) {
                    return builtin(imports.get(id), scope);
                }
                List<String> path = new ArrayList<>();
                path.add(id);
                while (peek('.') && pos + 1 < src.length() && isIdentStart(src.charAt(pos + 1))) {
                    pos++;
                    path.add(ident());
                }
                if (peek('(')) {
                    throw error("function call " + String.join(".", path) + "() is outside the supported CUE "
                            + "subset");
                }
                return new Ref(path, scope);
            }
            throw error("unexpected '" + c + "'");
        }

        private Value builtin(String pkg, Struct scope) {
            expect('.');
            String fn = ident();
            if ((pkg.equals("struct") && (fn.equals("MinFields") || fn.equals("MaxFields")))
                    || (pkg.equals("list") && (fn.equals("MinItems") || fn.equals("MaxItems")))) {
                expect('(');
                Value n = expr(scope);
                skipSpace();
                expect(')');
                if (!(n instanceof Concrete c) || !(c.value() instanceof BigDecimal d) || d.scale() > 0
                        || d.signum() < 0) {
                    throw error(pkg + "." + fn + " needs a non-negative integer literal");
                }
                return new Count(pkg.equals("struct"), fn.startsWith("Min"), d.intValueExact());
            }
            if (pkg.equals("time") && fn.equals("RFC3339")) {
                return new Concrete("2006-01-02T15:04:05Z07:00");
            }
            if (pkg.equals("time") && fn.equals("Parse") && peek('(')) {
                pos++;
                Value layout = expr(scope);
                skipSpace();
                expect(',');
                Value value = expr(scope);
                skipSpace();
                expect(')');
                if (!(layout instanceof Concrete l) || !"2006-01-02T15:04:05Z07:00".equals(l.value())) {
                    throw error("time.Parse supports only the layout time.RFC3339");
                }
                if (!(value instanceof Concrete v) || !(v.value() instanceof String s)) {
                    throw error("time.Parse needs a string literal");
                }
                try {
                    OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                    return new Concrete(t.withOffsetSameInstant(ZoneOffset.UTC).format(
                            DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC)));
                } catch (DateTimeParseException e) {
                    throw error("time.Parse: cannot parse " + quote(s) + " as RFC3339");
                }
            }
            throw error(pkg + "." + fn + " is outside the supported CUE subset");
        }

        private BigDecimal number() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            while (pos < src.length() && (Character.isDigit(cur()) || cur() == '.' || cur() == 'e' || cur() == 'E'
                    || cur() == '_' || ((cur() == '+' || cur() == '-') && (src.charAt(pos - 1) == 'e'
                    || src.charAt(pos - 1) == 'E')))) {
                pos++;
            }
            try {
                return new BigDecimal(src.substring(start, pos).replace("_", ""));
            } catch (NumberFormatException e) {
                throw error("invalid number " + src.substring(start, pos));
            }
        }

        private String string() {
            if (src.startsWith("#\"", pos)) {
                int end = src.indexOf("\"#", pos + 2);
                int nl = src.indexOf('\n', pos);
                if (end < 0 || (nl >= 0 && nl < end)) {
                    throw error("unterminated raw string");
                }
                String raw = src.substring(pos + 2, end);
                pos = end + 2;
                return raw;
            }
            if (src.startsWith("\"\"\"", pos)) {
                throw error("multi-line strings are outside the supported CUE subset");
            }
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= src.length() || cur() == '\n') {
                    throw error("unterminated string");
                }
                char c = src.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (pos >= src.length()) {
                        throw error("unterminated string");
                    }
                    char e = src.charAt(pos++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case '"', '\\', '/' -> sb.append(e);
                        case 'u' -> {
                            if (pos + 4 > src.length()) {
                                throw error("bad \\u escape");
                            }
                            sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        case '(' -> throw error("string interpolation is outside the supported CUE subset");
                        default -> throw error("unknown escape \\" + e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }

        private String ident() {
            skipInline();
            int start = pos;
            if (pos < src.length() && isIdentStart(cur())) {
                pos++;
                while (pos < src.length() && (Character.isLetterOrDigit(cur()) || cur() == '_' || cur() == '$')) {
                    pos++;
                }
            }
            if (start == pos) {
                throw error("expected an identifier");
            }
            return src.substring(start, pos);
        }

        private String word() {
            return ident();
        }

        private boolean peekWord(String w) {
            return src.startsWith(w, pos) && (pos + w.length() >= src.length()
                    || !Character.isLetterOrDigit(src.charAt(pos + w.length())));
        }

        private static boolean isIdentStart(char c) {
            return Character.isLetter(c) || c == '_' || c == '$';
        }

        private char cur() {
            return pos < src.length() ? src.charAt(pos) : '\0';
        }

        private boolean peek(char c) {
            return pos < src.length() && src.charAt(pos) == c;
        }

        private void expect(char c) {
            skipInline();
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** Skips blanks and comments, but not newlines. */
        private void skipInline() {
            while (pos < src.length()) {
                char c = cur();
                if (c == ' ' || c == '\t' || c == '\r') {
                    pos++;
                } else if (src.startsWith("//", pos)) {
                    while (pos < src.length() && cur() != '\n') {
                        pos++;
                    }
                } else {
                    return;
                }
            }
        }

        private void skipSpace() {
            while (pos < src.length()) {
                skipInline();
                if (peek('\n')) {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private IllegalArgumentException error(String message) {
            int line = 1;
            for (int i = 0; i < Math.min(pos, src.length()); i++) {
                if (src.charAt(i) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException("cue policy line " + line + ": " + message);
        }
    }
}
