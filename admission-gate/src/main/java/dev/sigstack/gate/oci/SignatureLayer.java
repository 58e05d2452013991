package dev.sigstack.gate.oci;

import java.util.Objects;

/**
 * One cosign signature or attestation as stored in a {@code .sig} / {@code .att} manifest layer.
 *
 * @param mediaType the layer's media type (simple signing or DSSE envelope)
 * @param layerDigest the layer's digest
 * @param payload the layer blob: a simple-signing payload, or a DSSE envelope JSON
 * @param signatureB64 {@code dev.cosignproject.cosign/signature} (empty for DSSE, whose envelope carries it)
 * @param certificatePem {@code dev.sigstore.cosign/certificate}, or null
 * @param chainPem {@code dev.sigstore.cosign/chain}, or null
 * @param rekorBundle {@code dev.sigstore.cosign/bundle} JSON, or null
 * @param rfc3161Timestamp {@code dev.sigstore.cosign/rfc3161timestamp} JSON, or null
 */
public record SignatureLayer(String mediaType, String layerDigest, byte[] payload, String signatureB64,
        String certificatePem, String chainPem, String rekorBundle, String rfc3161Timestamp) {
    /** cosign's simple signing media type. */
    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    /** DSSE envelope media type used by cosign attestations. */
    public static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    /** Annotation keys. */
    public static final String ANN_SIGNATURE = "dev.cosignproject.cosign/signature";
    /** Certificate annotation. */
    public static final String ANN_CERTIFICATE = "dev.sigstore.cosign/certificate";
    /** Chain annotation. */
    public static final String ANN_CHAIN = "dev.sigstore.cosign/chain";
    /** Rekor bundle annotation. */
    public static final String ANN_BUNDLE = "dev.sigstore.cosign/bundle";
    /** RFC 3161 timestamp annotation. */
    public static final String ANN_TIMESTAMP = "dev.sigstore.cosign/rfc3161timestamp";

    public SignatureLayer {
        Objects.requireNonNull(payload, "payload");
        payload = payload.clone();
        signatureB64 = signatureB64 == null ? "" : signatureB64;
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
