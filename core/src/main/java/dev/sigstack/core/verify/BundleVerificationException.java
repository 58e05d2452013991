package dev.sigstack.core.verify;

import dev.sigstack.core.bundle.TlogVerificationException;
import java.time.Instant;
import java.util.Objects;

/**
 * A bundle does not verify. Each subclass is one reason and carries its facts as typed fields; the message is a
 * sentence for a person.
 */
public abstract sealed class BundleVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    BundleVerificationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The bundle is not valid bundle JSON, has an unknown media type, or lacks or misuses a required part. */
    public static final class MalformedBundle extends BundleVerificationException {
        private static final long serialVersionUID = 1L;

        public MalformedBundle(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The trusted root is unusable (not JSON, or material in it cannot be decoded). */
    public static final class InvalidTrustedRoot extends BundleVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidTrustedRoot(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The policy asks for one kind of signer and the bundle has the other: a key-signed bundle checked against an
     * identity, or a certificate-signed bundle checked against a key.
     */
    public static final class WrongVerificationMaterial extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final String bundleMaterial;
        private final String policyMaterial;

        public WrongVerificationMaterial(String bundleMaterial, String policyMaterial) {
            super("the bundle is signed with " + bundleMaterial + " but the policy expects " + policyMaterial, null);
            this.bundleMaterial = bundleMaterial;
            this.policyMaterial = policyMaterial;
        }

        public String bundleMaterial() {
            return bundleMaterial;
        }

        public String policyMaterial() {
            return policyMaterial;
        }
    }

    /** A transparency log check failed; {@link #tlogFailure()} says which. */
    public static final class TransparencyLogFailure extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final TlogVerificationException tlogFailure;

        public TransparencyLogFailure(TlogVerificationException tlogFailure) {
            super("transparency log entry does not verify (" + tlogFailure.getClass().getSimpleName() + "): "
                    + tlogFailure.getMessage(), tlogFailure);
            this.tlogFailure = tlogFailure;
        }

        public TlogVerificationException tlogFailure() {
            return tlogFailure;
        }
    }

    /** An RFC 3161 timestamp in the bundle does not verify against the trusted root's timestamp authorities. */
    public static final class InvalidTimestamp extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final int index;

        public InvalidTimestamp(int index, String reason, Throwable cause) {
            super("RFC 3161 timestamp " + index + " does not verify: " + reason, cause);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** Fewer verified signing times (tlog integrated times and RFC 3161 timestamps) than required. */
    public static final class MissingTimestamp extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final int required;
        private final int verified;

        public MissingTimestamp(int required, int verified) {
            super("the bundle proves " + verified + " signing time(s), " + required + " required (a Rekor v2 entry "
                    + "has no integrated time and needs an RFC 3161 timestamp)", null);
            this.required = required;
            this.verified = verified;
        }

        public int required() {
            return required;
        }

        public int verified() {
            return verified;
        }
    }

    /** A verified signing time is outside the signing certificate's validity. */
    public static final class CertificateNotValidAtSigningTime extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final Instant signingTime;
        private final Instant notBefore;
        private final Instant notAfter;

        public CertificateNotValidAtSigningTime(Instant signingTime, Instant notBefore, Instant notAfter) {
            super("signing time " + signingTime + " is outside the certificate's validity " + notBefore + " to "
                    + notAfter, null);
            this.signingTime = signingTime;
            this.notBefore = notBefore;
            this.notAfter = notAfter;
        }

        public Instant signingTime() {
            return signingTime;
        }

        public Instant notBefore() {
            return notBefore;
        }

        public Instant notAfter() {
            return notAfter;
        }
    }

    /** The signing certificate does not chain to a certificate authority the trusted root trusts at the signing time. */
    public static final class UntrustedCertificate extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final Instant signingTime;

        public UntrustedCertificate(Instant signingTime, String reason) {
            super("certificate does not chain to a trusted certificate authority valid at " + signingTime + ": " + reason,
                    null);
            this.signingTime = signingTime;
        }

        public Instant signingTime() {
            return signingTime;
        }
    }

    /** Fewer verified embedded SCTs from trusted CT logs than required. */
    public static final class InsufficientScts extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final int required;
        private final int verified;

        public InsufficientScts(int required, int verified, String reason) {
            super("certificate has " + verified + " verified SCT(s) from trusted CT logs, " + required + " required"
                    + (reason == null ? "" : ": " + reason), null);
            this.required = required;
            this.verified = verified;
        }

        public int required() {
            return required;
        }

        public int verified() {
            return verified;
        }
    }

    /** The signature (message signature or DSSE envelope signature) does not verify with the signer's key. */
    public static final class InvalidSignature extends BundleVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidSignature(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The artifact is not the one signed: its digest differs from the signed digest or in-toto subjects. */
    public static final class ArtifactMismatch extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final String signedDigest;
        private final String artifactDigest;

        public ArtifactMismatch(String signedDigest, String artifactDigest) {
            super("artifact digest " + artifactDigest + " is not the signed digest " + signedDigest, null);
            this.signedDigest = Objects.requireNonNull(signedDigest);
            this.artifactDigest = Objects.requireNonNull(artifactDigest);
        }

        /** What the bundle signs, e.g. {@code sha256:ab…}, or a list of in-toto subject digests. */
        public String signedDigest() {
            return signedDigest;
        }

        /** The artifact's digest, e.g. {@code sha256:cd…}. */
        public String artifactDigest() {
            return artifactDigest;
        }
    }

    /** The certificate's subject alternative name is not the expected identity. */
    public static final class IdentityMismatch extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final String expected;
        private final String actual;

        public IdentityMismatch(String expected, String actual) {
            super("certificate identity " + actual + " does not match the expected " + expected, null);
            this.expected = expected;
            this.actual = actual;
        }

        public String expected() {
            return expected;
        }

        /** The SAN, or null when the certificate has no Fulcio identity. */
        public String actual() {
            return actual;
        }
    }

    /** The certificate's OIDC issuer extension is not the expected issuer. */
    public static final class IssuerMismatch extends BundleVerificationException {
        private static final long serialVersionUID = 1L;
        private final String expected;
        private final String actual;

        public IssuerMismatch(String expected, String actual) {
            super("certificate OIDC issuer " + actual + " does not match the expected " + expected, null);
            this.expected = expected;
            this.actual = actual;
        }

        public String expected() {
            return expected;
        }

        public String actual() {
            return actual;
        }
    }
}
