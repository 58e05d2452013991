package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Every distinct (subject, issuer) pair seen (bare keys by key ID), with counts and first and last log index. */
final class IdentityReport {
    /**
     * One pair.
     *
     * @param subject the SAN, or null for a bare key
     * @param issuer the issuer, or null
     * @param keyId the key ID for bare-key rows, else null
     * @param count how many signatures
     * @param first the first log index
     * @param last the last log index
     * @param allowed whether every one of them was allowed
     */
    record Row(String subject, String issuer, String keyId, long count, long first, long last, boolean allowed) {
        ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            if (subject != null) {
                o.put("subject", subject);
                o.put("issuer", issuer);
            } else {
                o.put("keyId", keyId);
            }
            o.put("count", count);
            o.put("firstIndex", first);
            o.put("lastIndex", last);
            o.put("allowed", allowed);
            return o;
        }
    }

    private record Key(String subject, String issuer, String keyId) { }

    private final Map<Key, long[]> counts = new LinkedHashMap<>();
    private final Map<Key, Boolean> allowed = new LinkedHashMap<>();

    /** Adds one signature at {@code index}. */
    void add(SignerIdentity who, long index, boolean isAllowed) {
        Key k = new Key(who.subject(), who.issuer(), who.subject() == null ? who.keyId() : null);
        long[] c = counts.computeIfAbsent(k, x -> new long[] {0, index, index});
        c[0]++;
        c[1] = Math.min(c[1], index);
        c[2] = Math.max(c[2], index);
        allowed.merge(k, isAllowed, Boolean::logicalAnd);
    }

    List<Row> rows() {
        List<Row> out = new ArrayList<>();
        counts.forEach((k, c) -> out.add(new Row(k.subject(), k.issuer(), k.keyId(), c[0], c[1], c[2],
                Objects.requireNonNull(allowed.get(k)))));
        out.sort(Comparator.comparingLong(Row::first));
        return out;
    }

    static ArrayNode toJson(List<Row> rows) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        rows.forEach(r -> a.add(r.toJson()));
        return a;
    }

    /** A fixed-width text table. */
    static String toText(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format("%-7s %8s %10s %10s  %s%n", "ALLOWED", "COUNT", "FIRST", "LAST",
                "SUBJECT / ISSUER"));
        for (Row r : rows) {
            String who = r.subject() != null ? r.subject() + "  " + r.issuer() : "key " + r.keyId();
            sb.append(String.format("%-7s %8d %10d %10d  %s%n", r.allowed() ? "yes" : "NO", r.count(), r.first(),
                    r.last(), who));
        }
        return sb.toString();
    }
}
