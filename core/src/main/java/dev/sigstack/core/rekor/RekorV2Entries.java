package dev.sigstack.core.rekor;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.rekor.PublicKeyMaterial.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.rekor.v1.Checkpoint;
import dev.sigstore.proto.rekor.v1.InclusionPromise;
import dev.sigstore.proto.rekor.v1.InclusionProof;
import dev.sigstore.proto.rekor.v1.KindVersion;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.Entry;
import dev.sigstore.proto.rekor.v2.HashedRekordLogEntryV002;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Spec;
import dev.sigstore.proto.rekor.v2.Verifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Rekor v2 ({@code sigstore/rekor-tiles} {@code pkg/types/hashedrekord}): a {@code HashedRekordRequestV002} is
 * validated, its signature verified over the digest, and turned into the {@code Entry} leaf, stored as the
 * RFC 8785 form of its protobuf JSON. Also builds {@code TransparencyLogEntry} answers for either API version.
 */
public final class RekorV2Entries {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();

    private RekorV2Entries() {
    }

    /** A v2 leaf: the entry and its canonical JSON (the leaf data). */
    public record V2Entry(Entry entry, byte[] body) {
        public V2Entry {
            Objects.requireNonNull(entry, "entry");
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        /** The kind and version for {@code TransparencyLogEntry.kindVersion}. */
        public KindVersion kindVersion() {
            return KindVersion.newBuilder().setKind(entry.getKind()).setVersion(entry.getApiVersion()).build();
        }

        /** The RFC 6962 leaf hash of the body. */
        public byte[] leafHash() {
            return dev.sigstack.core.merkle.Rfc6962.leafHash(body);
        }
    }

    /** Parses a {@code CreateEntryRequest} (protobuf JSON) and builds its leaf. */
    public static V2Entry fromCreateEntryRequest(byte[] json) throws ProposedEntryException {
        CreateEntryRequest.Builder b = CreateEntryRequest.newBuilder();
        try {
            PARSER.merge(new String(json, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new ProposedEntryException.Malformed("invalid request body: " + e.getMessage(), e);
        }
        CreateEntryRequest req = b.build();
        return switch (req.getSpecCase()) {
            case HASHED_REKORD_REQUEST_V002 -> hashedRekord(req.getHashedRekordRequestV002());
            // rekor-tiles dropped dsse (sigstore/rekor-tiles#744): DSSE is logged as hashedrekord over SHA-256(PAE)
            case DSSE_REQUEST_V002 -> throw new ProposedEntryException.UnknownKind("dsse");
            default -> throw new ProposedEntryException.UnknownKind("");
        };
    }

    /** Validates, verifies and converts a hashedrekord 0.0.2 request, as rekor-tiles' {@code ToLogEntry} does. */
    public static V2Entry hashedRekord(HashedRekordRequestV002 hr) throws ProposedEntryException {
        if (!hr.hasSignature() || hr.getSignature().getContent().isEmpty()) {
            throw new ProposedEntryException.Malformed("missing signature");
        }
        if (!hr.getSignature().hasVerifier()) {
            throw new ProposedEntryException.Malformed("missing verifier");
        }
        if (hr.getDigest().isEmpty()) {
            throw new ProposedEntryException.Malformed("missing digest");
        }
        Verifier v = hr.getSignature().getVerifier();
        PublicKeyMaterial key = switch (v.getVerifierCase()) {
            case PUBLIC_KEY -> {
                if (v.getPublicKey().getRawBytes().isEmpty()) {
                    throw new ProposedEntryException.Malformed("invalid verifier: missing public key raw bytes");
                }
                yield PublicKeyMaterial.fromSpkiDer(v.getPublicKey().getRawBytes().toByteArray());
            }
            case X509_CERTIFICATE -> {
                if (v.getX509Certificate().getRawBytes().isEmpty()) {
                    throw new ProposedEntryException.Malformed("invalid verifier: missing X.509 certificate raw bytes");
                }
                yield PublicKeyMaterial.fromCertificateDer(v.getX509Certificate().getRawBytes().toByteArray());
            }
            default -> throw new ProposedEntryException.Malformed(
                    "invalid verifier: missing signature public key or X.509 certificate");
        };
        HashAlgorithm hash = hashOf(v.getKeyDetails());
        if (!key.permitsHashedRekord(hash)) {
            throw new ProposedEntryException.UnsupportedAlgorithm(
                    "unsupported entry algorithm for " + key.describe() + ", digest " + hash.digestName());
        }
        byte[] digest = hr.getDigest().toByteArray();
        if (digest.length != hash.length()) {
            throw new ProposedEntryException.Malformed("digest length (" + digest.length
                    + ") does not match expected size (" + hash.length() + ") for algorithm " + hash.digestName());
        }
        try {
            key.verifyDigest(digest, hr.getSignature().getContent().toByteArray(), hash);
        } catch (ProposedEntryException.SignatureInvalid e) {
            throw new ProposedEntryException.SignatureInvalid("verifying signature: " + e.getMessage(), e);
        }
        Entry entry = Entry.newBuilder()
                .setKind("hashedrekord")
                .setApiVersion("0.0.2")
                .setSpec(Spec.newBuilder().setHashedRekordV002(HashedRekordLogEntryV002.newBuilder()
                        .setSignature(hr.getSignature())
                        .setData(HashOutput.newBuilder().setDigest(hr.getDigest()).setAlgorithm(protoHash(hash)))))
                .build();
        return new V2Entry(entry, canonicalJson(entry));
    }

    /** The canonical leaf bytes of an {@code Entry}: protobuf JSON, then RFC 8785. */
    public static byte[] canonicalJson(Entry entry) {
        try {
            return CanonicalJson.canonicalize(COMPACT.print(entry).getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("protobuf JSON is not JSON", e);
        }
    }

    /** The digest algorithm a key type signs with in hashedrekord; pure Ed25519 and unknown types are refused. */
    static HashAlgorithm hashOf(PublicKeyDetails details) throws ProposedEntryException.UnsupportedAlgorithm {
        return switch (details) {
            case PKIX_ECDSA_P256_SHA_256, PKIX_RSA_PKCS1V15_2048_SHA256, PKIX_RSA_PKCS1V15_3072_SHA256,
                    PKIX_RSA_PKCS1V15_4096_SHA256 -> HashAlgorithm.SHA256;
            case PKIX_ECDSA_P384_SHA_384 -> HashAlgorithm.SHA384;
            case PKIX_ECDSA_P521_SHA_512, PKIX_ED25519_PH -> HashAlgorithm.SHA512;
            case PKIX_ED25519 -> throw new ProposedEntryException.UnsupportedAlgorithm(
                    "unsupported signing algorithm PKIX_ED25519 for hashedrekord: no associated digest algorithm");
            default -> throw new ProposedEntryException.UnsupportedAlgorithm("unsupported key details " + details);
        };
    }

    static dev.sigstore.proto.common.v1.HashAlgorithm protoHash(HashAlgorithm h) {
        return switch (h) {
            case SHA256 -> dev.sigstore.proto.common.v1.HashAlgorithm.SHA2_256;
            case SHA384 -> dev.sigstore.proto.common.v1.HashAlgorithm.SHA2_384;
            case SHA512 -> dev.sigstore.proto.common.v1.HashAlgorithm.SHA2_512;
        };
    }

    /**
     * A {@code TransparencyLogEntry}.
     *
     * @param integratedTime seconds, or 0 for v2 (which has no integrated time)
     * @param signedEntryTimestamp the v1 SET, or null for v2
     */
    public static TransparencyLogEntry transparencyLogEntry(long logIndex, byte[] logId, KindVersion kindVersion,
            long integratedTime, byte[] signedEntryTimestamp, long treeSize, byte[] rootHash, List<byte[]> hashes,
            String checkpoint, byte[] body) {
        InclusionProof.Builder proof = InclusionProof.newBuilder()
                .setLogIndex(logIndex)
                .setTreeSize(treeSize)
                .setRootHash(ByteString.copyFrom(rootHash))
                .setCheckpoint(Checkpoint.newBuilder().setEnvelope(checkpoint));
        for (byte[] h : hashes) {
            proof.addHashes(ByteString.copyFrom(h));
        }
        TransparencyLogEntry.Builder b = TransparencyLogEntry.newBuilder()
                .setLogIndex(logIndex)
                .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(logId)))
                .setKindVersion(kindVersion)
                .setIntegratedTime(integratedTime)
                .setInclusionProof(proof)
                .setCanonicalizedBody(ByteString.copyFrom(body));
        if (signedEntryTimestamp != null) {
            b.setInclusionPromise(InclusionPromise.newBuilder()
                    .setSignedEntryTimestamp(ByteString.copyFrom(signedEntryTimestamp)));
        }
        return b.build();
    }

    /**
     * rekor-tiles' log ID ({@code pkg/note KeyHash}): for ECDSA, SHA-256 of the DER public key; for Ed25519, the C2SP
     * signed-note key hash SHA-256(origin || 0x0A || 0x01 || raw key). Its first four bytes are the checkpoint's key
     * hint, and sigstore clients match it against the trusted root's {@code logId.keyId}.
     */
    public static byte[] logId(String origin, java.security.PublicKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> PublicKeyMaterial.HashAlgorithm.SHA256.digest(key.getEncoded());
            case "Ed25519", "EdDSA" -> {
                byte[] spki = key.getEncoded();
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                b.writeBytes(origin.getBytes(StandardCharsets.UTF_8));
                b.write('\n');
                b.write(0x01);
                b.write(spki, spki.length - 32, 32);
                yield PublicKeyMaterial.HashAlgorithm.SHA256.digest(b.toByteArray());
            }
            default -> throw new IllegalArgumentException("a Rekor v2 log key is ECDSA or Ed25519, not " + key.getAlgorithm());
        };
    }

    /** The JSON of a {@code TransparencyLogEntry} as rekor-tiles' HTTP gateway writes it (unpopulated scalars too). */
    public static String toJson(TransparencyLogEntry tle) {
        try {
            return JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(tle);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
