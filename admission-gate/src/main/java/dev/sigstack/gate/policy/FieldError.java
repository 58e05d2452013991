package dev.sigstack.gate.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tree of validation errors formatted exactly like knative's {@code apis.FieldError}, which policy-controller uses
 * for every message a user sees: {@code "<message>: <path>, <path>"} with optional details on the next line, errors
 * with the same message, details and level merged, paths and errors sorted.
 */
public final class FieldError {
    /** Severity of one error; warnings do not refuse. */
    public enum Level { ERROR, WARNING }

    private record Entry(String message, List<String> paths, String details, Level level) {
        Entry {
            Objects.requireNonNull(message, "message");
            paths = List.copyOf(paths);
            details = details == null ? "" : details;
        }
    }

    private final List<Entry> entries;

    private FieldError(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No error. */
    public static FieldError none() {
        return new FieldError(List.of());
    }

    static FieldError of(String message, String details, String... paths) {
        return new FieldError(List.of(new Entry(message, List.of(paths), details, Level.ERROR)));
    }

    /** knative {@code ErrMissingField}. */
    public static FieldError missingField(String... fields) {
        return of("missing field(s)", "", fields);
    }

    /** knative {@code ErrMissingOneOf}. */
    public static FieldError missingOneOf(String... fields) {
        return of("expected exactly one, got neither", "", fields);
    }

    /** knative {@code ErrMultipleOneOf}. */
    public static FieldError multipleOneOf(String... fields) {
        return of("expected exactly one, got both", "", fields);
    }

    /** knative {@code ErrInvalidValue}: field "" is the current field. */
    public static FieldError invalidValue(Object value, String field, String details) {
        return of("invalid value: " + value, details, field);
    }

    /** knative {@code ErrGeneric}. */
    public static FieldError generic(String message, String... fields) {
        return of(message, "", fields);
    }

    /** knative {@code ErrDisallowedFields}. */
    public static FieldError disallowedFields(String... fields) {
        return of("must not set the field(s)", "", fields);
    }

    /** A copy with the details replaced. */
    public FieldError withDetails(String details) {
        return new FieldError(entries.stream().map(e -> new Entry(e.message, e.paths, details, e.level)).toList());
    }

    /** A copy at the given level. */
    public FieldError at(Level level) {
        return new FieldError(entries.stream().map(e -> new Entry(e.message, e.paths, e.details, level)).toList());
    }

    /** Both sets of errors. */
    public FieldError also(FieldError other) {
        if (other == null || other.entries.isEmpty()) {
            return this;
        }
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new FieldError(all);
    }

    /** Every path prefixed with {@code field}. */
    public FieldError viaField(String field) {
        return new FieldError(entries.stream()
                .map(e -> new Entry(e.message, e.paths.stream().map(p -> join(field, p)).toList(), e.details, e.level))
                .toList());
    }

    /** Every path prefixed with {@code [index]}. */
    public FieldError viaIndex(int index) {
        return viaField("[" + index + "]");
    }

    /** Every path prefixed with {@code field[index]}. */
    public FieldError viaFieldIndex(String field, int index) {
        return viaIndex(index).viaField(field);
    }

    private static String join(String prefix, String path) {
        if (path.isEmpty()) {
            return prefix;
        }
        if (path.startsWith("[") || prefix.isEmpty()) {
            return prefix + path;
        }
        return prefix + "." + path;
    }

    /** True when nothing was recorded. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Only the entries of this level, or empty. */
    public FieldError filter(Level level) {
        return new FieldError(entries.stream().filter(e -> e.level == level).toList());
    }

    /** Each merged error as its own line group, as knative's webhook puts warnings in a response. */
    public List<String> messages() {
        return merged().stream().map(FieldError::format).toList();
    }

    @Override
    public String toString() {
        return String.join("\n", messages());
    }

    private static String format(Entry e) {
        String head = e.message + ": " + String.join(", ", e.paths);
        return e.details.isEmpty() ? head : head + "\n" + e.details;
    }

    private List<Entry> merged() {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : entries) {
            String key = e.level + "\u0000" + e.message + "\u0000" + e.details;
            Entry prior = byKey.get(key);
            if (prior == null) {
                byKey.put(key, e);
            } else {
                List<String> paths = new ArrayList<>(prior.paths);
                paths.addAll(e.paths);
                byKey.put(key, new Entry(e.message, paths, e.details, e.level));
            }
        }
        return byKey.values().stream()
                .map(e -> new Entry(e.message, e.paths.stream().distinct().sorted().toList(), e.details, e.level))
                .sorted(Comparator.comparing(Entry::message).thenComparing(Entry::details))
                .toList();
    }
}
