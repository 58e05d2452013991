/**
 * Verification of Sigstore bundles against a {@code TrustedRoot}, in one place, as the Sigstore clients do it.
 *
 * <p>Sources: the Sigstore client specification ({@code sigstore/architecture-docs}, "Sigstore Client Spec",
 * section 4 "Verification"); the bundle, trusted root and common messages of {@code sigstore/protobuf-specs} 0.5.0
 * ({@code dev.sigstore.bundle.v1.Bundle}, media types {@code application/vnd.dev.sigstore.bundle+json;version=0.1}
 * to {@code 0.3} and {@code application/vnd.dev.sigstore.bundle.v0.3+json}); RFC 3161 (time-stamp tokens);
 * RFC 5280 (certificate paths); RFC 6962 (SCTs); DSSE v1 (PAE) and the in-toto Statement layer; Fulcio's
 * {@code docs/oid-info.md} (issuer in {@code 1.3.6.1.4.1.57264.1.8}, legacy {@code .1}). Behaviour where the
 * specification is silent follows sigstore-go's {@code pkg/verify} and sigstore-js's {@code @sigstore/verify},
 * checked against sigstore-conformance's {@code bundle-verify} cases.
 *
 * <p>{@link dev.sigstack.core.verify.BundleVerifier} reuses {@link dev.sigstack.core.bundle.TlogVerifier} for the
 * transparency log, {@link dev.sigstack.core.ct.SctVerifier} for SCTs and {@link dev.sigstack.core.x509} for the
 * Fulcio identity. Every failure is one subclass of
 * {@link dev.sigstack.core.verify.BundleVerificationException}.
 */
package dev.sigstack.core.verify;
