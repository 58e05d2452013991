package dev.sigstack.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.JqwikException;
import net.jqwik.api.lifecycle.Lifespan;
import net.jqwik.api.lifecycle.Store;
import net.jqwik.api.statistics.Statistics;
import org.opentest4j.TestAbortedException;

/**
 * Support for property-based hostile-input tests: small arbitraries that mutate real valid samples (bytes, text and
 * JSON trees), and {@link #refusesCleanly} which runs one try under a time limit and accepts success or one of the
 * parser's documented exceptions only.
 */
public final class Hostile {
    /**
     * The per-try limit, system property {@code sigstack.hostile.tryMillis} (default 5000): generous for a loaded
     * 2-core machine, far below anything a user would call a hang.
     */
    public static final Duration TRY_LIMIT = Duration.ofMillis(tryMillis());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(null, r, "hostile-try", 0); // the default stack, as a server thread has
        t.setDaemon(true);
        return t;
    });

    /** Byte strings that parsers tend to special-case. */
    private static final List<byte[]> TOKENS = List.of(
            ascii("\""), ascii("{"), ascii("}"), ascii("["), ascii("]"), ascii(":"), ascii(","), ascii("\\"),
            ascii("\\u0000"), new byte[] {0}, ascii("\n"), ascii("\n\n"), ascii("-"), ascii("-1"), ascii("0"),
            ascii("99999999999999999999999999"), ascii("1e999"), ascii("NaN"), ascii("null"), ascii("true"),
            ascii("/"), ascii("../"), ascii("..\\"), ascii("="), ascii("=="), ascii(" "), ascii("\t"), ascii("\r\n"),
            new byte[] {(byte) 0xff}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xc3}, new byte[] {(byte) 0xed,
                (byte) 0xa0, (byte) 0x80}, "\u2014 ".getBytes(StandardCharsets.UTF_8), ascii("-----BEGIN "),
            ascii("-----END "), ascii("x".repeat(4096)), new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff,
                (byte) 0xff, (byte) 0xff}, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});

    private Hostile() {
    }

    private static long tryMillis() {
        String v = System.getProperty("sigstack.hostile.tryMillis", "5000");
        try {
            long ms = Long.parseLong(v.strip());
            if (ms > 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("sigstack.hostile.tryMillis must be a positive number of milliseconds: " + v);
    }

    /** The first hang of the running property, or null (outside a jqwik property: never recorded). */
    private static AtomicReference<String> hangOfThisProperty() {
        try {
            return Store.getOrCreate(Hostile.class, Lifespan.PROPERTY, () -> new AtomicReference<String>()).get();
        } catch (JqwikException e) { // not inside a jqwik property
            return null;
        }
    }

    /** One mutation: what to do, where (taken modulo the input's size), and an argument. */
    public record Op(int kind, int where, int arg) {
        @Override
        public String toString() {
            return "Op(" + kind + "," + where + "," + arg + ")";
        }
    }

    /** One to {@code max} mutations; they shrink towards fewer, simpler ones. */
    public static Arbitrary<List<Op>> ops(int kinds, int max) {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, kinds - 1),
                Arbitraries.integers().between(0, 1 << 20), Arbitraries.integers().between(0, 1 << 16)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(max);
    }

    /** Byte-level mutations of one of the samples: flips, inserts, deletes, truncation, duplication, tokens. */
    public static Arbitrary<byte[]> mutations(List<byte[]> samples) {
        return Combinators.combine(Arbitraries.of(samples), ops(7, 4)).as(Hostile::mutate);
    }

    /** As {@link #mutations(List)} for text (UTF-8). */
    public static Arbitrary<String> textMutations(List<String> samples) {
        List<byte[]> bytes = samples.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        return mutations(bytes).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Applies byte mutations in order. */
    public static byte[] mutate(byte[] sample, List<Op> ops) {
        byte[] b = sample.clone();
        for (Op op : ops) {
            b = mutate(b, op);
        }
        return b;
    }

    private static byte[] mutate(byte[] b, Op op) {
        int n = b.length;
        int at = n == 0 ? 0 : op.where() % (n + 1);
        int in = n == 0 ? 0 : op.where() % n;
        switch (op.kind()) {
            case 0 -> { // flip one bit
                if (n > 0) {
                    b[in] ^= (byte) (1 << (op.arg() % 8));
                }
                return b;
            }
            case 1 -> { // set one byte
                if (n > 0) {
                    b[in] = (byte) op.arg();
                }
                return b;
            }
            case 2 -> { // insert one byte
                return splice(b, at, 0, new byte[] {(byte) op.arg()});
            }
            case 3 -> { // delete a run
                return splice(b, at, Math.min(n - at, 1 + op.arg() % 64), new byte[0]);
            }
            case 4 -> { // truncate
                return Arrays.copyOf(b, at);
            }
            case 5 -> { // duplicate a run in place
                int len = Math.min(n - at, 1 + op.arg() % 256);
                return splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
            }
            default -> { // insert a token
                return splice(b, at, 0, TOKENS.get(op.arg() % TOKENS.size()));
            }
        }
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /**
     * Structural mutations of one of the JSON samples: a node replaced by another type, a huge or negative number, a
     * very long string, deep nesting, a removed or duplicated key, or a byte flipped inside a base64 value (which
     * reaches the DER, PEM and signature parsers behind the JSON).
     */
    public static Arbitrary<byte[]> jsonMutations(List<byte[]> samples) {
        return Combinators.combine(Arbitraries.of(samples), ops(16, 3)).as(Hostile::mutateJson);
    }

    /** Applies JSON mutations in order (a sample that is not JSON is returned unchanged). */
    public static byte[] mutateJson(byte[] sample, List<Op> ops) {
        JsonNode root;
        try {
            root = JSON.readTree(sample);
        } catch (java.io.IOException e) {
            return sample;
        }
        List<String> splices = new ArrayList<>();
        for (Op op : ops) {
            List<Slot> slots = new ArrayList<>();
            collect(root, slots);
            if (slots.isEmpty()) {
                break;
            }
            Slot s = slots.get(op.where() % slots.size());
            JsonNode old = s.get();
            switch (op.kind()) {
                case 0 -> s.set(JSON.nullNode());
                case 1 -> s.set(JSON.getNodeFactory().textNode(old.isTextual() ? "" : "x"));
                case 2 -> s.set(JSON.getNodeFactory().numberNode(-1L - op.arg()));
                case 3 -> s.set(JSON.getNodeFactory().numberNode(Long.MAX_VALUE));
                case 4 -> s.set(JSON.getNodeFactory().booleanNode(true));
                case 5 -> s.set(JSON.createArrayNode());
                case 6 -> s.set(JSON.createObjectNode());
                case 7 -> s.remove();
                case 8 -> s.set(JSON.getNodeFactory().textNode("A".repeat(100_000 + op.arg())));
                case 9 -> s.set(placeholder(splices, "[".repeat(3000 + op.arg()) + "]".repeat(3000 + op.arg())));
                case 10 -> s.set(placeholder(splices, "1" + "0".repeat(400) + (op.arg() % 2 == 0 ? "" : ".5e99999")));
                case 11 -> s.duplicate(splices);
                case 12 -> s.set(JSON.createArrayNode().add(old));
                case 13, 14 -> {
                    if (old.isTextual()) {
                        String t = old.asText();
                        byte[] decoded = decodeBase64(t);
                        if (decoded != null && decoded.length > 0) {
                            byte[] m = mutate(decoded, new Op(op.arg() % 7, op.where() / 7, op.arg() / 7));
                            s.set(JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(m)));
                        } else {
                            byte[] m = mutate(t.getBytes(StandardCharsets.UTF_8),
                                    new Op(op.arg() % 7, op.where() / 7, op.arg() / 7));
                            s.set(JSON.getNodeFactory().textNode(new String(m, StandardCharsets.UTF_8)));
                        }
                    } else if (old.isNumber()) {
                        s.set(JSON.getNodeFactory().numberNode(old.asLong() + (op.arg() % 3) - 1));
                    }
                }
                default -> { // a value of the right type but hostile content
                    if (old.isTextual()) {
                        s.set(JSON.getNodeFactory().textNode(new String(TOKENS.get(op.arg() % TOKENS.size()),
                                StandardCharsets.UTF_8)));
                    } else if (old.isNumber()) {
                        s.set(JSON.getNodeFactory().numberNode(op.arg() % 2 == 0 ? 0 : Integer.MIN_VALUE));
                    }
                }
            }
        }
        String text = root.toString();
        for (int i = 0; i < splices.size(); i++) {
            text = text.replace("\"@@hostile" + i + "@@\"", splices.get(i));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode placeholder(List<String> splices, String raw) {
        splices.add(raw);
        return JSON.getNodeFactory().textNode("@@hostile" + (splices.size() - 1) + "@@");
    }

    private static byte[] decodeBase64(String t) {
        if (t.length() < 8) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(t);
            } catch (IllegalArgumentException e2) {
                return null;
            }
        }
    }

    /** A place in a JSON tree: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String field, int index) {
        JsonNode get() {
            return parent instanceof ObjectNode o ? o.get(field) : parent.get(index);
        }

        void set(JsonNode v) {
            if (parent instanceof ObjectNode o) {
                o.set(field, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }

        /** The same key twice, the second with another value (spliced in as raw text after writing). */
        void duplicate(List<String> splices) {
            if (parent instanceof ObjectNode o) {
                JsonNode v = o.get(field);
                JsonNode other = v.isTextual() ? JSON.getNodeFactory().textNode(v.asText() + "x")
                        : v.isNumber() ? JSON.getNodeFactory().numberNode(0) : JSON.nullNode();
                JsonNode key = placeholder(splices, JSON.getNodeFactory().textNode(field).toString());
                o.set(key.asText(), other);
            } else {
                ((ArrayNode) parent).insert(index, parent.get(index).deepCopy());
            }
        }
    }

    private static void collect(JsonNode n, List<Slot> out) {
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(new Slot(o, e.getKey(), -1));
                collect(e.getValue(), out);
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i));
                collect(a.get(i), out);
            }
        }
    }

    /** What the call under test does. */
    @FunctionalInterface
    public interface Call {
        Object run() throws Throwable;
    }

    /**
     * Runs {@code call} under {@link #TRY_LIMIT} and returns its result, or null when it threw one of the
     * {@code documented} exceptions with a message; anything else (NullPointerException, ClassCastException,
     * IndexOutOfBounds, NumberFormatException, ArithmeticException, StackOverflowError, OutOfMemoryError, a hang, or
     * a documented exception without a message) fails the try with the cause attached. After a hang, the rest of
     * the property's tries (and shrinking) run nothing, so the hanging sample is the one reported.
     */
    @SafeVarargs
    public static Object refusesCleanly(Call call, Class<? extends Throwable>... documented) {
        return refusesCleanly(null, call, documented);
    }

    /** As {@link #refusesCleanly(Call, Class[])}, and collects the outcome (the exception's name or "ok") as a jqwik statistic. */
    @SafeVarargs
    public static Object refusesCleanly(String label, Call call, Class<? extends Throwable>... documented) {
        AtomicReference<String> hang = hangOfThisProperty();
        if (hang != null && hang.get() != null) {
            // The hung try may still run on a CPU (cancelling does not stop a busy thread), slowing every later try
            // into spurious timeouts: run nothing more in this property. An aborted try does not count as a failure,
            // so shrinking cannot replace the hanging sample with a smaller one that merely ran after it.
            throw new TestAbortedException("not run: an earlier try of this property hung (" + hang.get() + ")");
        }
        Future<Object> f = RUNNER.submit(() -> {
            try {
                return call.run();
            } catch (Throwable t) {
                throw new Wrapped(t);
            }
        });
        try {
            Object result = f.get(TRY_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (label != null) {
                Statistics.label(label).collect("ok");
            }
            return result;
        } catch (TimeoutException e) {
            f.cancel(true);
            String what = "no answer within " + TRY_LIMIT.toMillis() + " ms" + (label != null ? " in " + label : "");
            if (hang != null) {
                hang.set(what);
            }
            throw new AssertionError(what + " (a hang); the property stops here: later tries would share the CPU"
                    + " with the still-running try (raise -Dsigstack.hostile.tryMillis only for a slow machine)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            Throwable t = e.getCause() instanceof Wrapped w ? w.getCause() : e.getCause();
            for (Class<? extends Throwable> c : documented) {
                if (c.isInstance(t)) {
                    if (t.getMessage() == null || t.getMessage().isBlank()) {
                        throw new AssertionError("documented " + t.getClass().getName() + " without a message", t);
                    }
                    if (label != null) {
                        Statistics.label(label).collect(t.getClass().getSimpleName());
                    }
                    return null;
                }
            }
            throw new AssertionError("undocumented failure " + t, t);
        }
    }

    private static final class Wrapped extends Exception {
        private static final long serialVersionUID = 1L;

        Wrapped(Throwable t) {
            super(t);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
