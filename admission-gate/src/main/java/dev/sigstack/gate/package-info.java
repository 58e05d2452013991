/**
 * The admission gate: a Kubernetes admission webhook with sigstore/policy-controller's resources and semantics
 * ({@code ClusterImagePolicy} and {@code TrustRoot} of {@code policy.sigstore.dev}), verifying cosign signatures and
 * attestations from the site's own OCI registry against the site's internal root.
 */
package dev.sigstack.gate;
