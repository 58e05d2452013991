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

    /** A simple-signing signature of the image digest. */
    VerifiedArtifact signature(SignatureLayer layer, String imageDigest) throws VerificationException {
        byte[] payload = layer.payload();
        byte[] sig = decode(layer.signatureB64(), "signature annotation");
        Instant time = tlog(layer, sig, payload);
        Signer.Signed who = signer.verify(layer, payload, sig, time);
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
                Instant time = tlog(layer, sig, payload);
                who = signer.verify(layer, pae, sig, time);
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

    /** Verifies the Rekor bundle if present (required when the signer says so); returns the integrated time. */
    private Instant tlog(SignatureLayer layer, byte[] sig, byte[] payload) throws VerificationException {
        if (tsaChain != null) {
            if (layer.rfc3161Timestamp() == null || layer.rfc3161Timestamp().isEmpty()) {
                throw new VerificationException("signature has no RFC3161 timestamp ("
                        + SignatureLayer.ANN_TIMESTAMP + ")");
            }
            Instant t = Timestamps.verify(layer.rfc3161Timestamp(), sig, tsaChain);
            if (layer.rekorBundle() != null && !layer.rekorBundle().isEmpty() && !tlogKeys.isEmpty()) {
                verifyBundle(layer, sig, payload);
            }
            return t;
        }
        if (layer.rekorBundle() == null || layer.rekorBundle().isEmpty()) {
            if (signer.requiresTlog()) {
                throw new VerificationException("bundle does not contain a transparency log entry (no "
                        + SignatureLayer.ANN_BUNDLE + " annotation)");
            }
            return null;
        }
        if (tlogKeys.isEmpty()) {
            if (signer.requiresTlog()) {
                throw new VerificationException("no transparency log keys are configured to verify the entry");
            }
            return null;
        }
        return verifyBundle(layer, sig, payload);
    }

    private Instant verifyBundle(SignatureLayer layer, byte[] sig, byte[] payload) throws VerificationException {
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
        bindEntry(json(body, "rekor entry body"), sig, payload);
        return Instant.ofEpochSecond(time);
    }

    /** The entry must be about this signature: hashedrekord (signature and payload hash) or intoto/dsse. */
    private static void bindEntry(JsonNode entry, byte[] sig, byte[] payload) throws VerificationException {
        String kind = entry.path("kind").asText("");
        JsonNode spec = entry.path("spec");
        String payloadHash = Digests.sha256(payload).substring("sha256:".length());
        switch (kind) {
            case "hashedrekord" -> {
                byte[] entrySig = decode(spec.path("signature").path("content").asText(""), "entry signature");
                if (!MessageDigest.isEqual(entrySig, sig)) {
                    throw new VerificationException("transparency log entry is for another signature");
                }
                if (!payloadHash.equals(spec.path("data").path("hash").path("value").asText())) {
                    throw new VerificationException("transparency log entry is for another payload");
                }
            }
            case "intoto", "dsse" -> {
                String h = spec.path("content").path("payloadHash").path("value").asText(
                        spec.path("payloadHash").path("value").asText(""));
                if (!payloadHash.equals(h)) {
                    throw new VerificationException("transparency log entry is for another attestation");
                }
            }
            default -> throw new VerificationException("unsupported transparency log entry kind \"" + kind + "\"");
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
