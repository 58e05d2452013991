/**
 * The air-gap bundle: one signed directory or tarball that carries a site's trust material into an
 * air-gapped network, and its {@code export}, {@code verify} and {@code import} commands.
 *
 * <p>The bundle holds the TUF repository (TUF specification 1.0.31) and its policy-controller
 * {@code mirrorFS}, the {@code TrustRoot} and example {@code ClusterImagePolicy} resources
 * ({@code policy.sigstore.dev}, as sigstore/policy-controller defines them), the clients'
 * {@code trusted_root.json} and {@code signing_config.v0.2.json} (sigstore/protobuf-specs), the CA
 * chain and TLS trust bundle, and Helm values for the charts under {@code helm/}.
 * {@code MANIFEST.json} lists the SHA-256 of every file; {@code MANIFEST.json.sig} is the base64
 * ECDSA P-256 / SHA-256 DER signature over its bytes, the format {@code cosign sign-blob --key}
 * writes, so {@code cosign verify-blob --key} and {@code openssl dgst -verify} check it too.
 */
package dev.sigstack.airgap;
