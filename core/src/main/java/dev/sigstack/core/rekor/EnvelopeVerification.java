package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstack.core.rekor.PublicKeyMaterial.HashAlgorithm;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rekor's {@code verifyEnvelope} for dsse and intoto: each key must verify at least one signature (the DSSE library
 * fails a key that verifies none), and every signature must be verified by some key. Signatures are over
 * {@code PAE(payloadType, payload)} with SHA-256 (pure Ed25519 for Ed25519 keys).
 */
final class EnvelopeVerification {
    /** rekor-tiles' bounds on DSSE requests (sigstore/rekor-tiles#684); Rekor v1 has none, which costs n*m verifications. */
    static final int MAX_SIGNATURES = 10;
    static final int MAX_VERIFIERS = 10;

    private EnvelopeVerification() {
    }

    /** One signature as the envelope spells it, and its decoded bytes. */
    record Sig(String encoded, byte[] raw) { }

    /**
     * @return for each signature (by its encoded form, in envelope order), the key that verified it
     */
    static Map<String, PublicKeyMaterial> verify(String payloadType, byte[] payload, List<Sig> signatures,
            List<PublicKeyMaterial> keys) throws ProposedEntryException {
        if (signatures.isEmpty()) {
            throw new ProposedEntryException.Malformed("DSSE envelope must contain 1 or more signatures");
        }
        if (signatures.size() > MAX_SIGNATURES) {
            throw new ProposedEntryException.Malformed(
                    "too many signatures: " + signatures.size() + ", max allowed: " + MAX_SIGNATURES);
        }
        if (keys.size() > MAX_VERIFIERS) {
            throw new ProposedEntryException.Malformed("too many verifiers: " + keys.size() + ", max allowed: " + MAX_VERIFIERS);
        }
        byte[] pae = Dsse.pae(payloadType, payload);
        Map<String, PublicKeyMaterial> verifiedBy = new LinkedHashMap<>();
        for (PublicKeyMaterial key : keys) {
            boolean any = false;
            for (Sig s : signatures) {
                try {
                    key.verifyMessage(pae, s.raw(), HashAlgorithm.SHA256);
                    verifiedBy.putIfAbsent(s.encoded(), key);
                    any = true;
                } catch (ProposedEntryException.SignatureInvalid e) {
                    // try the next signature
                }
            }
            if (!any) {
                throw new ProposedEntryException.SignatureInvalid(
                        "could not verify envelope: no signature verified with " + key.describe());
            }
        }
        for (Sig s : signatures) {
            if (!verifiedBy.containsKey(s.encoded())) {
                throw new ProposedEntryException.SignatureInvalid("all signatures must have a key that verifies it");
            }
        }
        return verifiedBy;
    }

    /** Index keys Rekor reads from an in-toto statement: subject digests, then SLSA materials' digests. */
    static List<String> inTotoKeys(byte[] payload) {
        List<String> keys = new ArrayList<>();
        JsonNode statement;
        try {
            statement = CanonicalJson.STRICT.readTree(payload);
        } catch (IOException e) {
            return keys;
        }
        if (statement == null) {
            return keys;
        }
        for (JsonNode subject : statement.path("subject")) {
            addDigests(subject.path("digest"), keys);
        }
        for (JsonNode material : statement.path("predicate").path("materials")) {
            addDigests(material.path("digest"), keys);
        }
        return keys;
    }

    private static void addDigests(JsonNode digest, List<String> keys) {
        for (Iterator<Map.Entry<String, JsonNode>> it = digest.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                keys.add(e.getKey() + ":" + e.getValue().textValue());
            }
        }
    }
}
