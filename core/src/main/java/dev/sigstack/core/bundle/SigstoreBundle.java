package dev.sigstack.core.bundle;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.bundle.v1.Bundle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A parsed Sigstore bundle and the raw bytes it was read from.
 *
 * @param bundle the protobuf message
 * @param minorVersion 1, 2 or 3 (bundle v0.1, v0.2, v0.3)
 * @param raw the JSON as read
 */
public record SigstoreBundle(Bundle bundle, int minorVersion, byte[] raw) {
    private static final String LEGACY_PREFIX = "application/vnd.dev.sigstore.bundle+json;version=0.";
    private static final String V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    public SigstoreBundle {
        Objects.requireNonNull(bundle, "bundle");
        if (minorVersion < 1 || minorVersion > 3) {
            throw new IllegalArgumentException("bundle version 0." + minorVersion + " is not supported");
        }
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** Parses bundle JSON (protobuf JSON mapping) and checks its media type. */
    public static SigstoreBundle parse(byte[] json) throws TlogVerificationException.MalformedBundle {
        Bundle.Builder b = Bundle.newBuilder();
        try {
            JsonFormat.parser().merge(new String(json, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new TlogVerificationException.MalformedBundle("bundle is not valid JSON: " + e.getMessage(), e);
        }
        Bundle bundle = b.build();
        String mediaType = bundle.getMediaType();
        int minor;
        if (mediaType.equals(V03)) {
            minor = 3;
        } else if (mediaType.startsWith(LEGACY_PREFIX) && mediaType.length() == LEGACY_PREFIX.length() + 1
                && "123".indexOf(mediaType.charAt(mediaType.length() - 1)) >= 0) {
            minor = mediaType.charAt(mediaType.length() - 1) - '0';
        } else {
            throw new TlogVerificationException.MalformedBundle("unsupported bundle media type: " + mediaType, null);
        }
        return new SigstoreBundle(bundle, minor, json);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigstoreBundle s && bundle.equals(s.bundle) && minorVersion == s.minorVersion
                && Arrays.equals(raw, s.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bundle, minorVersion, Arrays.hashCode(raw));
    }

    @Override
    public String toString() {
        return "SigstoreBundle[v0." + minorVersion + ", " + raw.length + " bytes]";
    }
}
