package dev.sigstack.monitor;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A log entry decoded from its Rekor v1 canonical body.
 *
 * @param index the log index
 * @param uuid the entry UUID (see {@link EntryDecoder#uuid})
 * @param kind the Rekor kind ({@code hashedrekord}, {@code dsse}, {@code intoto})
 * @param apiVersion the kind's version
 * @param artifacts the digests the body records, each {@code <algorithm>:<hex>}: the signed artifact's digest for
 *     hashedrekord, the payload and envelope digests for dsse, the envelope and payload digests for intoto
 * @param signers who signed it
 */
record DecodedEntry(long index, String uuid, String kind, String apiVersion, List<String> artifacts,
        List<Signer> signers) {
    DecodedEntry {
        Objects.requireNonNull(uuid, "uuid");
        artifacts = List.copyOf(artifacts);
        signers = List.copyOf(signers);
    }

    /**
     * One signature's verifier.
     *
     * @param identity the decoded identity
     * @param certificateDer the signing certificate (DER), or null for a bare key
     * @param problem why the certificate is suspect (issuer extensions disagree, no Fulcio extensions), or null
     */
    record Signer(SignerIdentity identity, byte[] certificateDer, String problem) {
        Signer {
            Objects.requireNonNull(identity, "identity");
        }

        /** The signing certificate as a JCA object (parsed on demand); null for a bare key or if the JDK refuses it. */
        X509Certificate certificate() {
            if (certificateDer == null) {
                return null;
            }
            try {
                return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(certificateDer));
            } catch (java.security.cert.CertificateException e) {
                return null;
            }
        }
    }
}
