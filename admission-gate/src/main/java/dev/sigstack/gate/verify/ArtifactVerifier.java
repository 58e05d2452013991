package dev.sigstack.gate.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.oci.SignatureLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies one cosign signature (simple signing) or attestation (DSSE) layer: the signer, the optional Rekor bundle
 * (SET and the entry's binding to this signature), and the binding to the image digest.
 */
final class ArtifactVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Signer signer;
    private final List<PublicKey> tlogKeys;
    private final List<java.security.cert.X509Certificate> tsaChain;

    /**
     * @param tlogKeys Rekor keys that may have signed an entry's SET; empty when no log is configured
     * @param tsaChain the timestamp authority (leaf first) when the authority has {@code rfc3161timestamp}, else
     *     null; a timestamp is then required and replaces the log as the source of the signing time
     */
    ArtifactVerifier(Signer signer, List<PublicKey> tlogKeys, List<java.security.cert.X509Certificate> tsaChain) {
        this.signer = signer;
        this.tlogKeys = List.copyOf(tlogKeys);
        this.tsaChain = tsaChain == null ? null : List.copyOf(tsaChain);
    }

    /**
     * The signing time (from a TSA or the log), and the log entry whose SET verified, if any: it counts only once
     * {@link #bindEntry} has found this signature, this signer and this payload in it.
     */
    private record Logged(Instant time, JsonNode entry) {
        static final Logged NONE = new Logged(null, null);
    }

    /** A simple-signing signature of the image digest. */
    VerifiedArtifact signature(SignatureLayer layer, String imageDigest) throws VerificationException {
        byte[] payload = layer.payload();
        byte[] sig = decode(layer.signatureB64(), "signature annotation");
        Logged logged = tlog(layer, sig, payload);
        Signer.Signed who = signer.verify(layer, payload, sig, logged.time());
        if (logged.entry() != null) {
            bindEntry(logged.entry(), sig, payload, who.material());
        }
        JsonNode p = json(payload, "simple signing payload");
        String claimed = p.path("critical").path("image").path("docker-manifest-digest").asText("");
        if (!claimed.equals(imageDigest)) {
            throw new VerificationException("invalid or missing digest in claim: " + claimed);
        }
        return new VerifiedArtifact(layer.layerDigest(), who.subject(), who.issuer(), null, who.extensions());
    }

    /** A DSSE attestation whose in-toto statement names the image digest. */
    VerifiedArtifact attestation(SignatureLayer layer, String imageDigest) throws VerificationException {
        JsonNode env = json(layer.payload(), "DSSE envelope");
        String payloadType = env.path("payloadType").asText("");
        byte[] payload = decode(env.path("payload").asText(""), "DSSE payload");
        JsonNode sigs = env.path("signatures");
        if (!sigs.isArray() || sigs.isEmpty()) {
            throw new VerificationException("DSSE envelope has no signatures");
        }
        byte[] pae = Dsse.pae(payloadType, payload);
        VerificationException last = null;
        Signer.Signed who = null;
        for (JsonNode s : sigs) {
            byte[] sig = decode(s.path("sig").asText(""), "DSSE signature");
            try {
                Logged logged = tlog(layer, sig, payload);
                Signer.Signed candidate = signer.verify(layer, pae, sig, logged.time());
                if (logged.entry() != null) {
                    bindEntry(logged.entry(), sig, payload, candidate.material());
                }
                who = candidate;
                break;
            } catch (VerificationException e) {
                last = e;
            }
        }
        if (who == null) {
            throw last;
        }
        if (!"application/vnd.in-toto+json".equals(payloadType)) {
            throw new VerificationException("unexpected DSSE payload type " + payloadType);
        }
        JsonNode statement = json(payload, "in-toto statement");
        String hex = imageDigest.substring("sha256:".length());
        boolean bound = false;
        for (JsonNode subj : statement.path("subject")) {
            if (hex.equals(subj.path("digest").path("sha256").asText())) {
                bound = true;
                break;
            }
        }
        if (!bound) {
            throw new VerificationException("no matching attestations: the statement's subject does not name "
                    + imageDigest);
        }
        return new VerifiedArtifact(layer.layerDigest(), who.subject(), who.issuer(), statement, who.extensions());
    }

    /**
     * Verifies the Rekor bundle's SET if present (required when the signer says so); returns the signing time and the
     * entry, which the caller binds to the signer it verified.
     */
    private Logged tlog(SignatureLayer layer, byte[] sig, byte[] payload) throws VerificationException {
        if (tsaChain != null) {
            if (layer.rfc3161Timestamp() == null || layer.rfc3161Timestamp().isEmpty()) {
                throw new VerificationException("signature has no RFC3161 timestamp ("
                        + SignatureLayer.ANN_TIMESTAMP + ")");
            }
            Instant t = Timestamps.verify(layer.rfc3161Timestamp(), sig, tsaChain);
            if (layer.rekorBundle() != null && !layer.rekorBundle().isEmpty() && !tlogKeys.isEmpty()) {
                return new Logged(t, verifyBundle(layer).entry());
            }
            return new Logged(t, null);
        }
        if (layer.rekorBundle() == null || layer.rekorBundle().isEmpty()) {
            if (signer.requiresTlog()) {
                throw new VerificationException("bundle does not contain a transparency log entry (no "
                        + SignatureLayer.ANN_BUNDLE + " annotation)");
            }
            return Logged.NONE;
        }
        if (tlogKeys.isEmpty()) {
            if (signer.requiresTlog()) {
                throw new VerificationException("no transparency log keys are configured to verify the entry");
            }
            return Logged.NONE;
        }
        return verifyBundle(layer);
    }

    private Logged verifyBundle(SignatureLayer layer) throws VerificationException {
        JsonNode b = json(layer.rekorBundle().getBytes(StandardCharsets.UTF_8), "rekor bundle");
        JsonNode p = b.path("Payload");
        byte[] body = decode(p.path("body").asText(""), "rekor bundle body");
        long time = p.path("integratedTime").asLong(-1);
        long index = p.path("logIndex").asLong(-1);
        byte[] logId;
        try {
            logId = HexFormat.of().parseHex(p.path("logID").asText(""));
        } catch (IllegalArgumentException e) {
            throw new VerificationException("rekor bundle has a malformed logID");
        }
        byte[] set = decode(b.path("SignedEntryTimestamp").asText(""), "SignedEntryTimestamp");
        PublicKey key = null;
        for (PublicKey k : tlogKeys) {
            if (MessageDigest.isEqual(SignedEntryTimestamp.logId(k), logId)) {
                key = k;
            }
        }
        if (key == null) {
            throw new VerificationException("rekor bundle is from an unknown transparency log "
                    + p.path("logID").asText(""));
        }
        try {
            SignedEntryTimestamp.verify(key, set, body, time, logId, index);
        } catch (GeneralSecurityException e) {
            throw new VerificationException("unable to verify SET: " + e.getMessage());
        }
        return new Logged(Instant.ofEpochSecond(time), json(body, "rekor entry body"));
    }

    /**
     * The entry must log this signature, by this signer, over this payload, as cosign's {@code VerifyBundle} asks
     * ({@code compareSigs}, {@code comparePublicKey}, {@code bundleHash}): a {@code hashedrekord} names the signature,
     * the signer's certificate or key (compared as the DER inside the PEM) and the SHA-256 of the payload; an
     * {@code intoto} or {@code dsse} entry names the payload's SHA-256 and, among its envelope signatures, this one
     * with this signer (intoto v0.0.1 names only the key).
     *
     * @param material the DER the signer verified with: the leaf certificate, or the key's SubjectPublicKeyInfo
     */
    static void bindEntry(JsonNode entry, byte[] sig, byte[] payload, byte[] material) throws VerificationException {
        String kind = entry.path("kind").asText("");
        String version = entry.path("apiVersion").asText("");
        JsonNode spec = entry.path("spec");
        String payloadHash = Digests.sha256(payload).substring("sha256:".length());
        switch (kind) {
            case "hashedrekord" -> {
                byte[] entrySig = decode(spec.path("signature").path("content").asText(""), "entry signature");
                if (!MessageDigest.isEqual(entrySig, sig)) {
                    throw new VerificationException("transparency log entry is for another signature");
                }
                if (!MessageDigest.isEqual(pemDer(spec.path("signature").path("publicKey").path("content")
                        .asText("")), material)) {
                    throw new VerificationException("transparency log entry is for another "
                            + "certificate or key");
                }
                JsonNode hash = spec.path("data").path("hash");
                if (!"sha256".equals(hash.path("algorithm").asText())
                        || !payloadHash.equals(hash.path("value").asText())) {
                    throw new VerificationException("transparency log entry is for another payload");
                }
            }
            case "intoto", "dsse" -> {
                String h = spec.path("content").path("payloadHash").path("value").asText(
                        spec.path("payloadHash").path("value").asText(""));
                if (!payloadHash.equals(h)) {
                    throw new VerificationException("transparency log entry is for another attestation");
                }
                boolean signed = false;
                if (kind.equals("intoto") && version.equals("0.0.1")) {
                    signed = MessageDigest.isEqual(pemDer(spec.path("publicKey").asText("")), material);
                } else if (kind.equals("intoto")) {
                    // v0.0.2 stores each envelope signature base64-encoded once more, and the signer's PEM in base64.
                    for (JsonNode s : spec.path("content").path("envelope").path("signatures")) {
                        signed |= sameSignature(new String(decode(s.path("sig").asText(""), "entry signature"),
                                StandardCharsets.UTF_8), sig) && sameSigner(s.path("publicKey").asText(""), material);
                    }
                } else {
                    for (JsonNode s : spec.path("signatures")) {
                        signed |= sameSignature(s.path("signature").asText(""), sig)
                                && sameSigner(s.path("verifier").asText(""), material);
                    }
                }
                if (!signed) {
                    throw new VerificationException("transparency log entry is for another signature, "
                            + "certificate or key");
                }
            }
            default -> throw new VerificationException("unsupported transparency log entry kind \"" + kind + "\"");
        }
    }

    /** A DSSE signature as the envelope wrote it (base64, or the base64url some signers write) equals {@code sig}. */
    private static boolean sameSignature(String envelopeSig, byte[] sig) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(envelopeSig);
        } catch (IllegalArgumentException e) {
            try {
                decoded = Base64.getUrlDecoder().decode(envelopeSig);
            } catch (IllegalArgumentException e2) {
                return false;
            }
        }
        return MessageDigest.isEqual(decoded, sig);
    }

    private static boolean sameSigner(String b64Pem, byte[] material) {
        try {
            return MessageDigest.isEqual(pemDer(b64Pem), material);
        } catch (VerificationException e) {
            return false;
        }
    }

    /** The DER inside the one PEM block of a base64-encoded PEM (Go's {@code pem.Decode}, nothing after it). */
    private static byte[] pemDer(String b64Pem) throws VerificationException {
        byte[] pem = decode(b64Pem, "entry public key");
        try (org.bouncycastle.util.io.pem.PemReader r = new org.bouncycastle.util.io.pem.PemReader(
                new java.io.StringReader(new String(pem, StandardCharsets.UTF_8)))) {
            org.bouncycastle.util.io.pem.PemObject o = r.readPemObject();
            if (o == null) {
                throw new VerificationException("transparency log entry's public key is not PEM");
            }
            if (r.readPemObject() != null) {
                throw new VerificationException("transparency log entry's public key has more than one PEM block");
            }
            return o.getContent();
        } catch (IOException | RuntimeException e) {
            throw new VerificationException("transparency log entry's public key is not PEM");
        }
    }

    private static byte[] decode(String b64, String what) throws VerificationException {
        try {
            byte[] out = Base64.getDecoder().decode(b64);
            if (out.length == 0) {
                throw new VerificationException(what + " is empty");
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new VerificationException(what + " is not base64");
        }
    }

    private static JsonNode json(byte[] data, String what) throws VerificationException {
        try {
            JsonNode n = JSON.readTree(data);
            if (n == null || !n.isObject()) {
                throw new VerificationException(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new VerificationException(what + " is not JSON");
        }
    }
}
