/**
 * A command that signs and verifies Sigstore bundles, following sigstore-conformance's CLI protocol
 * ({@code docs/cli_protocol.md} in {@code sigstore/sigstore-conformance}): {@code sign-bundle} and
 * {@code verify-bundle}. Verification is {@link dev.sigstack.core.verify.BundleVerifier}; signing is our own client
 * (Fulcio {@code /api/v2/signingCert}, Rekor v1 {@code /api/v1/log/entries} or v2 {@code /api/v2/log/entries},
 * RFC 3161 TSA) over the JDK HTTP client, driven by a protobuf-specs {@code SigningConfig} v0.2. There is no
 * public-good default: trust material comes from files or from a TUF repository the user names.
 */
package dev.sigstack.cli;
