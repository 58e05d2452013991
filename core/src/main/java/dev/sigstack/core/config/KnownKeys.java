package dev.sigstack.core.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The keys a configuration file may hold, as a tree: a mapping's known keys, each with the shape of its value
 * ({@link #ANY} for a scalar or anything not checked further, another {@code KnownKeys} for a nested mapping, or
 * {@link #listOf} for a list of mappings). {@link #check} streams the file's tokens, so the refusal names the line.
 */
public final class KnownKeys {
    /** A value that is not checked further (a scalar, a list of scalars, a free-form mapping). */
    public static final KnownKeys ANY = new KnownKeys(null, false);

    private final Map<String, KnownKeys> keys;
    private final boolean list;

    private KnownKeys(Map<String, KnownKeys> keys, boolean list) {
        this.keys = keys;
        this.list = list;
    }

    /** A mapping with exactly these keys; {@code keyAndShape} alternates a key and its shape. */
    public static KnownKeys mapping(Object... keyAndShape) {
        Map<String, KnownKeys> m = new LinkedHashMap<>();
        for (int i = 0; i < keyAndShape.length; i += 2) {
            m.put((String) keyAndShape[i], (KnownKeys) keyAndShape[i + 1]);
        }
        return new KnownKeys(Map.copyOf(m), false);
    }

    /** A list whose items are mappings of {@code item}'s keys. */
    public static KnownKeys listOf(KnownKeys item) {
        return new KnownKeys(item.keys, true);
    }

    /** A file that breaks the rules: where, and what. */
    public static final class UnknownKeyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownKeyException(String message) {
            super(message);
        }
    }

    /**
     * Refuses an empty document, and any key this tree does not know, with {@code source:LINE: unknown key 'path.key'
     * (did you mean 'x'?)}. Syntax errors are left to the reader that parses the file next.
     */
    public void check(String source, String text, JsonFactory format) {
        if (text.isBlank()) {
            throw new UnknownKeyException(source + ": the file is empty");
        }
        try (JsonParser p = format.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                throw new UnknownKeyException(source + ": the file holds no settings");
            }
            walk(source, p, first, this, new ArrayDeque<>());
        } catch (IOException e) {
            // not well-formed: the caller's parser reports it in its own words
        }
    }

    private static void walk(String source, JsonParser p, JsonToken t, KnownKeys shape, Deque<String> path)
            throws IOException {
        if (shape == ANY || shape.keys == null) {
            p.skipChildren();
            return;
        }
        if (shape.list) {
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return;
            }
            KnownKeys item = new KnownKeys(shape.keys, false);
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY && e != null; e = p.nextToken()) {
                walk(source, p, e, item, path);
            }
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren(); // a wrong type is the reader's to report
            return;
        }
        for (JsonToken e = p.nextToken(); e == JsonToken.FIELD_NAME; e = p.nextToken()) {
            String key = p.currentName();
            KnownKeys child = shape.keys.get(key);
            if (child == null) {
                String where = path.isEmpty() ? key : String.join(".", path) + "." + key;
                throw new UnknownKeyException(source + ":" + p.currentLocation().getLineNr() + ": unknown key '"
                        + where + "'" + closest(key, shape).map(k -> " (did you mean '" + k + "'?)").orElse("")
                        + "; known here: " + String.join(", ", shape.keys.keySet().stream().sorted().toList()));
            }
            path.addLast(key);
            walk(source, p, p.nextToken(), child, path);
            path.removeLast();
        }
    }

    /** The known key nearest to {@code key}, if it is near: at most a third of its letters differ. */
    static Optional<String> closest(String key, KnownKeys shape) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : shape.keys.keySet()) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, key.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /**
     * Levenshtein distance. Hand-written (12 lines) rather than commons-text's LevenshteinDistance, a dependency for
     * one function on keys of a few dozen characters.
     */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
