package dev.sigstack.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.rekor.v1.Checkpoint;
import dev.sigstore.proto.rekor.v1.InclusionPromise;
import dev.sigstore.proto.rekor.v1.InclusionProof;
import dev.sigstore.proto.rekor.v1.KindVersion;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Signature;
import dev.sigstore.proto.rekor.v2.Verifier;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Rekor write requests and their answers as {@code TransparencyLogEntry}s. Rekor v1 ({@code POST
 * /api/v1/log/entries}): a {@code hashedrekord} 0.0.1 proposed entry for a message signature, a {@code dsse} 0.0.1
 * one for an envelope; the answer is a map of one UUID to a {@code LogEntry} (body, integratedTime, logID,
 * logIndex, verification.inclusionProof with checkpoint, verification.signedEntryTimestamp). Rekor v2
 * ({@code POST /api/v2/log/entries}): a {@code CreateEntryRequest} with a {@code hashedRekordRequestV002} whose
 * digest is the artifact's, or for DSSE the SHA-256 of the PAE (the "hashedrekord over DSSE" encoding); the answer
 * is a {@code TransparencyLogEntry} in protobuf JSON.
 */
public final class RekorRequests {
    public static final String V1_PATH = "/api/v1/log/entries";
    public static final String V2_PATH = "/api/v2/log/entries";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RekorRequests() {
    }

    /** A v1 hashedrekord 0.0.1 proposed entry. */
    public static byte[] v1HashedRekord(byte[] sha256, byte[] signature, java.security.cert.X509Certificate cert) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "0.0.1");
        root.put("kind", "hashedrekord");
        ObjectNode spec = root.putObject("spec");
        ObjectNode hash = spec.putObject("data").putObject("hash");
        hash.put("algorithm", "sha256");
        hash.put("value", HexFormat.of().formatHex(sha256));
        ObjectNode sig = spec.putObject("signature");
        sig.put("content", Base64.getEncoder().encodeToString(signature));
        sig.putObject("publicKey").put("content", base64Pem(cert));
        return write(root);
    }

    /** A v1 dsse 0.0.1 proposed entry: the envelope as a JSON string, the certificate as a verifier. */
    public static byte[] v1Dsse(Envelope envelope, java.security.cert.X509Certificate cert) {
        ObjectNode env = JSON.createObjectNode();
        env.put("payloadType", envelope.getPayloadType());
        env.put("payload", Base64.getEncoder().encodeToString(envelope.getPayload().toByteArray()));
        var sigs = env.putArray("signatures");
        for (var s : envelope.getSignaturesList()) {
            ObjectNode o = sigs.addObject();
            o.put("keyid", s.getKeyid());
            o.put("sig", Base64.getEncoder().encodeToString(s.getSig().toByteArray()));
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "0.0.1");
        root.put("kind", "dsse");
        ObjectNode content = root.putObject("spec").putObject("proposedContent");
        content.put("envelope", env.toString());
        content.putArray("verifiers").add(base64Pem(cert));
        return write(root);
    }

    /** A v2 hashedrekord request over {@code digest} (SHA-256 of the artifact, or of the DSSE PAE). */
    public static byte[] v2HashedRekord(byte[] digest, byte[] signature, java.security.cert.X509Certificate cert,
            PublicKeyDetails keyDetails) {
        CreateEntryRequest req;
        try {
            req = CreateEntryRequest.newBuilder().setHashedRekordRequestV002(HashedRekordRequestV002.newBuilder()
                    .setDigest(ByteString.copyFrom(digest))
                    .setSignature(Signature.newBuilder().setContent(ByteString.copyFrom(signature))
                            .setVerifier(Verifier.newBuilder()
                                    .setX509Certificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(cert.getEncoded())))
                                    .setKeyDetails(keyDetails))))
                    .build();
            return JsonFormat.printer().print(req).getBytes(StandardCharsets.UTF_8);
        } catch (CertificateEncodingException | InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a Rekor v1 {@code LogEntry} answer (a map of one UUID to the entry). */
    public static TransparencyLogEntry parseV1Response(byte[] body) throws SigningException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new SigningException("Rekor answer is not JSON", e);
        }
        if (root == null || !root.isObject() || root.size() != 1) {
            throw new SigningException("Rekor answer is not a map of one entry UUID to its entry");
        }
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        JsonNode e = it.next().getValue();
        try {
            byte[] canonical = Base64.getDecoder().decode(text(e, "body"));
            JsonNode parsedBody = JSON.readTree(canonical);
            TransparencyLogEntry.Builder b = TransparencyLogEntry.newBuilder()
                    .setLogIndex(number(e, "logIndex"))
                    .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(HexFormat.of().parseHex(text(e, "logID")))))
                    .setKindVersion(KindVersion.newBuilder().setKind(parsedBody.path("kind").asText())
                            .setVersion(parsedBody.path("apiVersion").asText()))
                    .setIntegratedTime(number(e, "integratedTime"))
                    .setCanonicalizedBody(ByteString.copyFrom(canonical));
            JsonNode v = e.path("verification");
            if (v.hasNonNull("signedEntryTimestamp")) {
                b.setInclusionPromise(InclusionPromise.newBuilder().setSignedEntryTimestamp(
                        ByteString.copyFrom(Base64.getDecoder().decode(v.get("signedEntryTimestamp").asText()))));
            }
            JsonNode p = v.path("inclusionProof");
            if (p.isObject()) {
                InclusionProof.Builder pb = InclusionProof.newBuilder()
                        .setLogIndex(number(p, "logIndex"))
                        .setTreeSize(number(p, "treeSize"))
                        .setRootHash(ByteString.copyFrom(HexFormat.of().parseHex(text(p, "rootHash"))))
                        .setCheckpoint(Checkpoint.newBuilder().setEnvelope(text(p, "checkpoint")));
                for (JsonNode h : p.path("hashes")) {
                    pb.addHashes(ByteString.copyFrom(HexFormat.of().parseHex(h.asText())));
                }
                b.setInclusionProof(pb);
            }
            return b.build();
        } catch (IllegalArgumentException | IOException ex) {
            throw new SigningException("Rekor answer has a malformed entry: " + ex.getMessage(), ex);
        }
    }

    /** Reads a Rekor v2 answer ({@code TransparencyLogEntry} in protobuf JSON). */
    public static TransparencyLogEntry parseV2Response(byte[] body) throws SigningException {
        TransparencyLogEntry.Builder b = TransparencyLogEntry.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(new String(body, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new SigningException("Rekor v2 answer is not a TransparencyLogEntry: " + e.getMessage(), e);
        }
        if (b.getCanonicalizedBody().isEmpty()) {
            throw new SigningException("Rekor v2 answer has no canonicalized body");
        }
        return b.build();
    }

    private static String text(JsonNode n, String field) throws SigningException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new SigningException("Rekor answer lacks " + field);
        }
        return v.asText();
    }

    private static long number(JsonNode n, String field) throws SigningException {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw new SigningException("Rekor answer lacks a numeric " + field);
        }
        return v.asLong();
    }

    private static String base64Pem(java.security.cert.X509Certificate cert) {
        try {
            return Base64.getEncoder().encodeToString(
                    PublicKeyMaterial.pem("CERTIFICATE", cert.getEncoded()).getBytes(StandardCharsets.US_ASCII));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
