package dev.sigstack.gate.verify;

import dev.sigstack.gate.oci.SignatureLayer;
import java.time.Instant;

/** Who may have signed: a public key, or a keyless identity chained to a trust root. */
interface Signer {
    /**
     * Checks the layer's signer material and the signature over {@code data}.
     *
     * @param signingTime when the signature was made (from the log or a TSA), or null when unknown
     * @return the identity that signed ({@code subject}, {@code issuer}); empty strings for a key
     */
    String[] verify(SignatureLayer layer, byte[] data, byte[] signature, Instant signingTime)
            throws VerificationException;

    /** True when a transparency log entry is required. */
    boolean requiresTlog();
}
