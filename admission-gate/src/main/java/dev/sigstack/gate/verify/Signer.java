package dev.sigstack.gate.verify;

import dev.sigstack.gate.oci.SignatureLayer;
import java.time.Instant;

/** Who may have signed: a public key, or a keyless identity chained to a trust root. */
interface Signer {
    /**
     * Checks the layer's signer material and the signature over {@code data}.
     *
     * @param signingTime when the signature was made (from the log or a TSA), or null when unknown
     * @return the identity that signed; empty for a key
     */
    Signed verify(SignatureLayer layer, byte[] data, byte[] signature, Instant signingTime)
            throws VerificationException;

    /**
     * Who signed.
     *
     * @param subject the certificate's SAN, or ""
     * @param issuer the OIDC issuer, or ""
     * @param extensions policy-controller's GitHub extensions (githubWorkflowTrigger, ...Sha, ...Name, ...Repo,
     *     ...Ref) present in the certificate
     * @param material the DER that a transparency log entry must name as the signer, as cosign's
     *     {@code comparePublicKey} compares it: the leaf certificate (keyless), or the SubjectPublicKeyInfo of the key
     *     that verified the signature
     */
    record Signed(String subject, String issuer, java.util.Map<String, String> extensions, byte[] material) {
        public Signed {
            material = material.clone();
        }

        @Override
        public byte[] material() {
            return material.clone();
        }

        static Signed key(java.security.PublicKey key) {
            return new Signed("", "", java.util.Map.of(), key.getEncoded());
        }
    }

    /** True when a transparency log entry is required. */
    boolean requiresTlog();
}
