package dev.sigstack.gate.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** {@code sha256:<hex>} digests. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    private Digests() {
    }

    /** True for a well-formed sha256 digest. */
    public static boolean valid(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** The sha256 digest of the bytes. */
    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** cosign's tag for a digest: {@code sha256-<hex>} then the suffix. */
    public static String cosignTag(String digest, String suffix) {
        if (!valid(digest)) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.replace(':', '-') + suffix;
    }
}
