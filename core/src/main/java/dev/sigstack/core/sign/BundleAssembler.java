package dev.sigstack.core.sign;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.TimestampVerificationData;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.MessageSignature;
import dev.sigstore.proto.common.v1.RFC3161SignedTimestamp;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.util.List;

/**
 * Builds a v0.3 bundle ({@code application/vnd.dev.sigstore.bundle.v0.3+json}): the leaf certificate alone as
 * {@code certificate}, the tlog entries, the RFC 3161 timestamps, and a message signature (with its SHA-256
 * message digest) or a DSSE envelope.
 */
public final class BundleAssembler {
    public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private BundleAssembler() {
    }

    public static Bundle messageSignature(java.security.cert.X509Certificate leaf, byte[] sha256, byte[] signature,
            List<TransparencyLogEntry> entries, List<byte[]> timestamps) {
        return Bundle.newBuilder().setMediaType(MEDIA_TYPE)
                .setVerificationMaterial(material(leaf, entries, timestamps))
                .setMessageSignature(MessageSignature.newBuilder()
                        .setMessageDigest(HashOutput.newBuilder().setAlgorithm(HashAlgorithm.SHA2_256)
                                .setDigest(ByteString.copyFrom(sha256)))
                        .setSignature(ByteString.copyFrom(signature)))
                .build();
    }

    public static Bundle dsse(java.security.cert.X509Certificate leaf, Envelope envelope,
            List<TransparencyLogEntry> entries, List<byte[]> timestamps) {
        return Bundle.newBuilder().setMediaType(MEDIA_TYPE)
                .setVerificationMaterial(material(leaf, entries, timestamps))
                .setDsseEnvelope(envelope)
                .build();
    }

    /** A DSSE envelope with one signature and an empty key ID. */
    public static Envelope envelope(String payloadType, byte[] payload, byte[] signature) {
        return Envelope.newBuilder().setPayloadType(payloadType).setPayload(ByteString.copyFrom(payload))
                .addSignatures(io.intoto.EnvelopeOuterClass.Signature.newBuilder().setSig(ByteString.copyFrom(signature)))
                .build();
    }

    /** Protobuf JSON, as the Sigstore clients write bundles. */
    public static byte[] json(Bundle bundle) {
        try {
            return JsonFormat.printer().print(bundle).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VerificationMaterial material(java.security.cert.X509Certificate leaf, List<TransparencyLogEntry> entries,
            List<byte[]> timestamps) {
        VerificationMaterial.Builder vm = VerificationMaterial.newBuilder();
        try {
            vm.setCertificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(leaf.getEncoded())));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        vm.addAllTlogEntries(entries);
        if (!timestamps.isEmpty()) {
            TimestampVerificationData.Builder t = TimestampVerificationData.newBuilder();
            for (byte[] ts : timestamps) {
                t.addRfc3161Timestamps(RFC3161SignedTimestamp.newBuilder().setSignedTimestamp(ByteString.copyFrom(ts)));
            }
            vm.setTimestampVerificationData(t);
        }
        return vm.build();
    }
}
