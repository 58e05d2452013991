package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.PublicKeyMaterial.HashAlgorithm;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code hashedrekord} 0.0.1 ({@code pkg/types/hashedrekord/v0.0.1}): a signature over an artifact digest. The stored
 * body keeps the digest, the signature and the canonical PEM of the key or certificate; {@code data.content} and
 * key URLs are dropped.
 */
final class HashedRekordV001 {
    static final String KIND = "hashedrekord";
    static final String VERSION = "0.0.1";

    private HashedRekordV001() {
    }

    static CanonicalEntry canonicalize(JsonNode spec) throws ProposedEntryException {
        JsonNode signature = Json.object(spec, "signature", "signature");
        String sigB64 = Json.string(signature, "content", "signature.content");
        byte[] sig = Json.base64(sigB64, "signature content");
        if (sig.length == 0) {
            throw new ProposedEntryException.Malformed("signature.content in body is required");
        }
        JsonNode publicKey = Json.object(signature, "publicKey", "signature.publicKey");
        byte[] pem = Json.base64(Json.string(publicKey, "content", "signature.publicKey.content"), "public key content");
        PublicKeyMaterial key = PublicKeyMaterial.parsePem(pem);

        JsonNode data = Json.object(spec, "data", "data");
        JsonNode hash = Json.object(data, "hash", "data.hash");
        String algorithmName = Json.string(hash, "algorithm", "data.hash.algorithm");
        HashAlgorithm algorithm;
        try {
            algorithm = HashAlgorithm.fromRekorName(algorithmName);
        } catch (ProposedEntryException.UnsupportedAlgorithm e) {
            throw new ProposedEntryException.UnsupportedAlgorithm(
                    "data.hash.algorithm in body should be one of [sha256 sha384 sha512]");
        }
        String value = Json.string(hash, "value", "data.hash.value");
        if (value.length() != algorithm.length() * 2) {
            throw new ProposedEntryException.Malformed("invalid value for hash");
        }
        byte[] digest;
        try {
            digest = HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new ProposedEntryException.Malformed("invalid value for hash: " + e.getMessage(), e);
        }
        try {
            key.verifyDigest(digest, sig, algorithm);
        } catch (ProposedEntryException.SignatureInvalid e) {
            throw new ProposedEntryException.SignatureInvalid("verifying signature: " + e.getMessage(), e);
        }
        if (!key.permitsHashedRekord(algorithm)) {
            throw new ProposedEntryException.UnsupportedAlgorithm("entry algorithms are not allowed");
        }

        byte[] canonicalPem = key.canonicalPem();
        ObjectNode outSpec = Json.F.objectNode();
        ObjectNode outData = Json.F.objectNode();
        outData.set("hash", Json.hash(algorithm.rekorName(), value));
        outSpec.set("data", outData);
        ObjectNode outSig = Json.F.objectNode();
        outSig.put("content", Base64.getEncoder().encodeToString(sig));
        ObjectNode outKey = Json.F.objectNode();
        outKey.put("content", Base64.getEncoder().encodeToString(canonicalPem));
        outSig.set("publicKey", outKey);
        outSpec.set("signature", outSig);
        byte[] body = CanonicalJson.canonicalize(Json.envelope(KIND, VERSION, outSpec));

        List<String> keys = new ArrayList<>();
        keys.add(HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(canonicalPem)));
        keys.addAll(key.subjectAlternativeNames());
        keys.add(algorithm.rekorName() + ":" + value);
        return new CanonicalEntry(KIND, VERSION, body, keys);
    }
}
