package dev.sigstack.core.verify;

import dev.sigstack.core.x509.FulcioIdentity;
import java.util.List;
import java.util.Optional;

/**
 * What a successful verification proved.
 *
 * @param identity     the signer's Fulcio identity, or null for a managed key
 * @param signingTimes the verified signing times (at least one)
 * @param tlogEntries  how many transparency log entries verified
 */
public record VerificationResult(FulcioIdentity identity, List<SigningTime> signingTimes, int tlogEntries) {
    public VerificationResult {
        signingTimes = List.copyOf(signingTimes);
        if (signingTimes.isEmpty()) {
            throw new IllegalArgumentException("a verified bundle has at least one signing time");
        }
    }

    public Optional<FulcioIdentity> signerIdentity() {
        return Optional.ofNullable(identity);
    }
}
