package dev.sigstack.gate.verify;

import dev.sigstack.gate.oci.SignatureLayer;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

/** A {@code key} authority: any of the keys (a Secret may hold several) verifies the signature. */
final class KeySigner implements Signer {
    private final List<PublicKey> keys;
    private final String hashAlgorithm;
    private final boolean tlogRequired;

    KeySigner(List<PublicKey> keys, String hashAlgorithm, boolean tlogRequired) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("there are no public keys");
        }
        this.keys = List.copyOf(keys);
        this.hashAlgorithm = hashAlgorithm;
        this.tlogRequired = tlogRequired;
    }

    @Override
    public Signed verify(SignatureLayer layer, byte[] data, byte[] signature, Instant signingTime)
            throws VerificationException {
        VerificationException last = null;
        for (PublicKey k : keys) {
            try {
                Signatures.verify(k, hashAlgorithm, data, signature);
                return Signed.key(k);
            } catch (VerificationException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public boolean requiresTlog() {
        return tlogRequired;
    }
}
