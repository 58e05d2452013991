package dev.sigstack.gate.predicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CEL policy (this gate's extension): an expression over the same JSON document a CUE policy sees, which must
 * evaluate to {@code true}. Variables: {@code input} (the whole document), and for convenience its top-level keys
 * {@code predicateType}, {@code predicate}, {@code subject} (an in-toto statement) and {@code authorityMatches},
 * {@code config}, {@code spec}, {@code metadata}, {@code typemeta} (a ClusterImagePolicy-level policy, named as
 * policy-controller's PolicyResult JSON), each null
 * when the document lacks it. Standard CEL functions only (no extension libraries).
 */
public final class CelPolicy implements PredicatePolicy {
    static final List<String> TOP_LEVEL = List.of("predicateType", "predicate", "subject", "authorityMatches",
            "config", "spec", "metadata", "typemeta");
    private static final CelCompiler COMPILER;
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    static {
        var builder = CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("input", SimpleType.DYN)
                .setResultType(SimpleType.BOOL);
        for (String v : TOP_LEVEL) {
            builder.addVar(v, SimpleType.DYN);
        }
        COMPILER = builder.build();
    }

    private final String source;
    private final CelRuntime.Program program;

    private CelPolicy(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** Parses and type-checks; {@link IllegalArgumentException} carries CEL's error text. */
    public static CelPolicy compile(String source) {
        Objects.requireNonNull(source, "source");
        CelValidationResult result = COMPILER.compile(source);
        if (result.hasError()) {
            throw new IllegalArgumentException("cel policy does not compile: " + result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new CelPolicy(source, RUNTIME.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("cel policy does not compile: " + e.getMessage(), e);
        }
    }

    @Override
    public void evaluate(JsonNode input) throws PolicyViolation {
        Map<String, Object> vars = new HashMap<>();
        vars.put("input", toCel(input));
        for (String v : TOP_LEVEL) {
            JsonNode n = input.get(v);
            vars.put(v, n == null ? com.google.protobuf.NullValue.NULL_VALUE : toCel(n));
        }
        Object out;
        try {
            out = program.eval(vars);
        } catch (CelEvaluationException e) {
            throw new PolicyViolation("cel expression failed: " + e.getMessage());
        }
        if (!Boolean.TRUE.equals(out)) {
            throw new PolicyViolation("cel expression evaluated to " + out + ": " + source.strip());
        }
    }

    /** JSON to CEL's Java values: maps, lists, strings, int64 or double, bools and null. */
    static Object toCel(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), toCel(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(toCel(e)));
            return l;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        return com.google.protobuf.NullValue.NULL_VALUE;
    }
}
