package dev.sigstack.core.rekor;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Rekor v1 entry as the log stores it: the canonical body (the Merkle leaf data, RFC 8785 JSON), and the
 * index keys Rekor's {@code IndexKeys()} derives from it (already lower-cased, as Rekor's index stores them).
 */
public record CanonicalEntry(String kind, String apiVersion, byte[] body, List<String> indexKeys) {
    public CanonicalEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(apiVersion, "apiVersion");
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("empty body");
        }
        body = body.clone();
        indexKeys = indexKeys.stream().map(k -> k.toLowerCase(java.util.Locale.ROOT)).distinct().toList();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The RFC 6962 leaf hash of the body: the entry's UUID without the tree ID, and its dedup key. */
    public byte[] leafHash() {
        return dev.sigstack.core.merkle.Rfc6962.leafHash(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanonicalEntry c && kind.equals(c.kind) && apiVersion.equals(c.apiVersion)
                && Arrays.equals(body, c.body) && indexKeys.equals(c.indexKeys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, apiVersion, Arrays.hashCode(body), indexKeys);
    }

    @Override
    public String toString() {
        return "CanonicalEntry[" + kind + " " + apiVersion + ", " + body.length + " bytes, keys=" + indexKeys + "]";
    }
}
