package dev.sigstack.monitor;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.rekor.EntryUuid;
import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.x509.FulcioExtensions;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.InvalidFulcioExtensionException;
import dev.sigstack.core.x509.SubjectAltName;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.rekor.v2.DSSELogEntryV002;
import dev.sigstore.proto.rekor.v2.Entry;
import dev.sigstore.proto.rekor.v2.HashedRekordLogEntryV002;
import dev.sigstore.proto.rekor.v2.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Decodes Rekor canonical bodies as the log stores them. Rekor v1 ({@code sigstore/rekor} {@code pkg/types}):
 * {@code hashedrekord} 0.0.1 ({@code spec.data.hash}, {@code spec.signature.publicKey.content}), {@code dsse} 0.0.1
 * ({@code spec.envelopeHash}, {@code spec.payloadHash}, {@code spec.signatures[].verifier}) and {@code intoto} 0.0.2
 * ({@code spec.content.hash}, {@code spec.content.payloadHash}, {@code spec.content.envelope.signatures[].publicKey}).
 * Rekor v2 leaves ({@code hashedrekord} and {@code dsse} 0.0.2, protobuf JSON of {@code rekor.v2.Entry}).
 * It reads; it does not re-verify signatures, which the log checked on entry.
 */
final class EntryDecoder {
    private static final ObjectMapper JSON = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build()).build())
            .build();
    private static final String ISSUER_V1_OID = FulcioOid.ISSUER_V1.dotted();
    private static final String ISSUER_V2_OID = FulcioOid.ISSUER_V2.dotted();

    private final OptionalLong treeId;

    /** @param treeId the log's tree ID for 80-hex UUIDs (Rekor's {@code treeID}), or empty for 64-hex UUIDs */
    EntryDecoder(OptionalLong treeId) {
        this.treeId = treeId;
    }

    /** The entry UUID of a body: the tree ID (if known) and the RFC 6962 leaf hash, in hex. */
    String uuid(byte[] body) {
        byte[] leaf = Rfc6962.leafHash(body);
        return treeId.isPresent() ? EntryUuid.format(treeId.getAsLong(), leaf) : HexFormat.of().formatHex(leaf);
    }

    DecodedEntry decode(long index, byte[] body) throws MalformedEntryException {
        String uuid = uuid(body);
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new MalformedEntryException("body is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEntryException("body is not a JSON object");
        }
        String kind = text(root, "kind");
        String version = text(root, "apiVersion");
        JsonNode spec = object(root, "spec");
        List<String> artifacts = new ArrayList<>();
        List<DecodedEntry.Signer> signers = new ArrayList<>();
        switch (kind + "/" + version) {
            case "hashedrekord/0.0.1" -> {
                JsonNode hash = object(object(spec, "data"), "hash");
                artifacts.add(digest(hash));
                JsonNode key = object(object(spec, "signature"), "publicKey");
                signers.add(signer(base64(text(key, "content"), "spec.signature.publicKey.content")));
            }
            case "dsse/0.0.1" -> {
                artifacts.add(digest(object(spec, "payloadHash")));
                artifacts.add(digest(object(spec, "envelopeHash")));
                for (JsonNode s : array(spec, "signatures")) {
                    signers.add(signer(base64(text(s, "verifier"), "spec.signatures[].verifier")));
                }
            }
            case "intoto/0.0.2" -> {
                JsonNode content = object(spec, "content");
                artifacts.add(digest(object(content, "hash")));
                if (content.has("payloadHash")) {
                    artifacts.add(digest(object(content, "payloadHash")));
                }
                for (JsonNode s : array(object(content, "envelope"), "signatures")) {
                    byte[] key = base64(text(s, "publicKey"), "spec.content.envelope.signatures[].publicKey");
                    if (!startsWithPem(key)) {
                        // Tolerate a body whose key field is base64 twice, as some clients send it.
                        key = base64(new String(key, StandardCharsets.US_ASCII).strip(), "publicKey (inner base64)");
                    }
                    signers.add(signer(key));
                }
            }
            case "hashedrekord/0.0.2", "dsse/0.0.2" -> {
                return decodeV2(index, uuid, body);
            }
            default -> throw new MalformedEntryException("unsupported entry kind " + kind + " " + version);
        }
        if (signers.isEmpty()) {
            throw new MalformedEntryException("entry has no signatures");
        }
        return new DecodedEntry(index, uuid, kind, version, artifacts, signers);
    }

    /**
     * A Rekor v2 leaf ({@code sigstore/rekor-tiles}, protobuf-specs {@code rekor/v2} {@code Entry} as protobuf JSON):
     * {@code hashedRekordV002} (digest and one signature) or {@code dsseV002} (payload hash and signatures), each
     * verifier a DER certificate or public key.
     */
    private static DecodedEntry decodeV2(long index, String uuid, byte[] body) throws MalformedEntryException {
        Entry.Builder b = Entry.newBuilder();
        try {
            JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
        } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
            throw new MalformedEntryException("Rekor v2 body is not an Entry: " + e.getMessage(), e);
        }
        Entry e = b.build();
        List<String> artifacts = new ArrayList<>();
        List<DecodedEntry.Signer> signers = new ArrayList<>();
        switch (e.getSpec().getSpecCase()) {
            case HASHED_REKORD_V002 -> {
                HashedRekordLogEntryV002 h = e.getSpec().getHashedRekordV002();
                artifacts.add(digest(h.getData()));
                signers.add(signerV2(h.getSignature().getVerifier()));
            }
            case DSSE_V002 -> {
                DSSELogEntryV002 d = e.getSpec().getDsseV002();
                artifacts.add(digest(d.getPayloadHash()));
                for (dev.sigstore.proto.rekor.v2.Signature sig : d.getSignaturesList()) {
                    signers.add(signerV2(sig.getVerifier()));
                }
            }
            default -> throw new MalformedEntryException("Rekor v2 entry has no spec");
        }
        if (signers.isEmpty()) {
            throw new MalformedEntryException("entry has no signatures");
        }
        return new DecodedEntry(index, uuid, e.getKind(), e.getApiVersion(), artifacts, signers);
    }

    private static String digest(HashOutput h) throws MalformedEntryException {
        String alg = switch (h.getAlgorithm()) {
            case SHA2_256 -> "sha256";
            case SHA2_384 -> "sha384";
            case SHA2_512 -> "sha512";
            default -> throw new MalformedEntryException("unsupported digest algorithm " + h.getAlgorithm());
        };
        if (h.getDigest().isEmpty()) {
            throw new MalformedEntryException("entry has an empty digest");
        }
        return alg + ":" + HexFormat.of().formatHex(h.getDigest().toByteArray());
    }

    private static DecodedEntry.Signer signerV2(Verifier v) throws MalformedEntryException {
        try {
            PublicKeyMaterial key = switch (v.getVerifierCase()) {
                case X509_CERTIFICATE -> PublicKeyMaterial.fromCertificateDer(v.getX509Certificate().getRawBytes().toByteArray());
                case PUBLIC_KEY -> PublicKeyMaterial.fromSpkiDer(v.getPublicKey().getRawBytes().toByteArray());
                default -> throw new MalformedEntryException("Rekor v2 verifier has neither a certificate nor a key");
            };
            return signer(key.canonicalPem());
        } catch (ProposedEntryException.Malformed ex) {
            throw new MalformedEntryException("Rekor v2 verifier is invalid: " + ex.getMessage(), ex);
        }
    }

    private static final String BEGIN_CERT = "-----BEGIN CERTIFICATE-----";
    private static final String END_CERT = "-----END CERTIFICATE-----";

    /**
     * Decodes a verifier (PEM key, certificate or chain) into its identity. The common case, one certificate,
     * is parsed once (BouncyCastle); keys and chains go through Rekor's PEM rules ({@link PublicKeyMaterial}).
     */
    static DecodedEntry.Signer signer(byte[] pem) throws MalformedEntryException {
        String text = new String(pem, StandardCharsets.US_ASCII).strip();
        if (text.startsWith(BEGIN_CERT) && text.endsWith(END_CERT) && text.indexOf("-----BEGIN", 1) < 0) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(text.substring(BEGIN_CERT.length(), text.length() - END_CERT.length()));
            } catch (IllegalArgumentException e) {
                throw new MalformedEntryException("certificate PEM is not base64");
            }
            X509CertificateHolder holder;
            try {
                holder = new X509CertificateHolder(der);
            } catch (IOException | RuntimeException e) {
                throw new MalformedEntryException("verifier is not a certificate: " + e.getMessage(), e);
            }
            String keyId = "sha256:" + HexFormat.of().formatHex(sha256(
                    PublicKeyMaterial.pem("CERTIFICATE", der).getBytes(StandardCharsets.US_ASCII)));
            return certificateSigner(der, holder.getExtensions(), keyId, pem);
        }
        PublicKeyMaterial key;
        try {
            key = PublicKeyMaterial.parsePem(pem);
        } catch (ProposedEntryException.Malformed e) {
            throw new MalformedEntryException("verifier is not a PEM key or certificate: " + e.getMessage(), e);
        }
        String keyId = "sha256:" + HexFormat.of().formatHex(sha256(key.canonicalPem()));
        if (key.certificates().isEmpty()) {
            return new DecodedEntry.Signer(new SignerIdentity(keyId, null, null, null, null, Map.of()), null, null);
        }
        try {
            byte[] der = key.certificates().get(0).getEncoded();
            return certificateSigner(der, new X509CertificateHolder(der).getExtensions(), keyId, pem);
        } catch (CertificateEncodingException | IOException e) {
            throw new MalformedEntryException("certificate cannot be re-encoded: " + e.getMessage(), e);
        }
    }

    private static DecodedEntry.Signer certificateSigner(byte[] der, Extensions exts, String keyId, byte[] pem)
            throws MalformedEntryException {
        List<String> problems = new ArrayList<>();
        String subject;
        try {
            subject = SubjectAltName.parse(exts).value();
        } catch (InvalidFulcioExtensionException | RuntimeException e) {
            problems.add("not a Fulcio SAN: " + e.getMessage());
            List<String> sans;
            try {
                sans = PublicKeyMaterial.parsePem(pem).subjectAlternativeNames();
            } catch (ProposedEntryException.Malformed | RuntimeException ex) {
                sans = List.of();
            }
            subject = sans.isEmpty() ? "(no SAN)" : sans.get(0);
        }
        String v1 = null;
        String v2 = null;
        if (exts != null) {
            if (exts.getExtension(FulcioOid.ISSUER_V1.oid()) != null) {
                try { // strict: malformed UTF-8 is a problem to report, never replaced into another issuer
                    v1 = SubjectAltName.utf8(exts.getExtension(FulcioOid.ISSUER_V1.oid()).getExtnValue().getOctets(),
                            "extension " + ISSUER_V1_OID);
                } catch (InvalidFulcioExtensionException e) {
                    problems.add(e.getMessage());
                }
            }
            if (exts.getExtension(FulcioOid.ISSUER_V2.oid()) != null) {
                try {
                    ASN1Primitive p = ASN1Primitive.fromByteArray(
                            exts.getExtension(FulcioOid.ISSUER_V2.oid()).getExtnValue().getOctets());
                    if (p instanceof DERUTF8String s) {
                        v2 = SubjectAltName.utf8(s, "extension " + ISSUER_V2_OID);
                    } else {
                        problems.add("extension " + ISSUER_V2_OID + " is not a UTF8String");
                    }
                } catch (IOException e) {
                    problems.add("extension " + ISSUER_V2_OID + " is not valid DER");
                } catch (InvalidFulcioExtensionException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        Map<String, String> ci = new LinkedHashMap<>();
        try {
            FulcioExtensions fx = FulcioExtensions.parse(exts);
            for (FulcioOid oid : FulcioOid.values()) {
                if (oid == FulcioOid.ISSUER_V1 || oid == FulcioOid.ISSUER_V2 || oid == FulcioOid.OTHER_NAME) {
                    continue;
                }
                fx.get(oid).ifPresent(v -> ci.put(camel(oid), v));
            }
        } catch (InvalidFulcioExtensionException | RuntimeException e) {
            problems.add(e.getMessage());
        }
        if (v1 != null && v2 != null && !v1.equals(v2)) {
            problems.add("issuer extensions disagree: " + ISSUER_V1_OID + " is '" + v1 + "', " + ISSUER_V2_OID
                    + " is '" + v2 + "'");
        }
        String issuer = v2 != null ? v2 : v1;
        return new DecodedEntry.Signer(new SignerIdentity(keyId, subject, issuer, v1, v2, ci), der,
                problems.isEmpty() ? null : String.join("; ", problems));
    }

    /** {@code SOURCE_REPOSITORY_URI} to {@code sourceRepositoryUri}. */
    static String camel(FulcioOid oid) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : oid.name().toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private static boolean startsWithPem(byte[] b) {
        return new String(b, 0, Math.min(b.length, 16), StandardCharsets.US_ASCII).strip().startsWith("-----BEGIN");
    }

    private static String digest(JsonNode hash) throws MalformedEntryException {
        String alg = text(hash, "algorithm").toLowerCase(Locale.ROOT);
        String value = text(hash, "value").toLowerCase(Locale.ROOT);
        if (!value.matches("[0-9a-f]{40,128}")) {
            throw new MalformedEntryException("digest value is not hex: " + abbreviate(value));
        }
        return alg + ":" + value;
    }

    private static String text(JsonNode parent, String field) throws MalformedEntryException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw new MalformedEntryException("body lacks the string field " + field);
        }
        return n.textValue();
    }

    private static JsonNode object(JsonNode parent, String field) throws MalformedEntryException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new MalformedEntryException("body lacks the object " + field);
        }
        return n;
    }

    private static Iterable<JsonNode> array(JsonNode parent, String field) throws MalformedEntryException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isArray()) {
            throw new MalformedEntryException("body lacks the array " + field);
        }
        for (JsonNode e : n) {
            if (!e.isObject()) {
                throw new MalformedEntryException(field + " holds a non-object");
            }
        }
        return n;
    }

    private static byte[] base64(String s, String what) throws MalformedEntryException {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new MalformedEntryException(what + " is not base64");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
