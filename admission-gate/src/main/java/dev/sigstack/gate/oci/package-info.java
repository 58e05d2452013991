/**
 * A read-only OCI Distribution client (https://github.com/opencontainers/distribution-spec, v1.1 for the referrers
 * API and its tag-schema fallback) with Docker token and basic authentication
 * (https://distribution.github.io/distribution/spec/auth/token/), and cosign's storage of signatures and
 * attestations in a registry (sigstore/cosign {@code specs/SIGNATURE_SPEC.md}: tags {@code sha256-<hex>.sig} and
 * {@code .att}, layer annotations {@code dev.cosignproject.cosign/signature}, {@code dev.sigstore.cosign/certificate},
 * {@code chain}, {@code bundle}, {@code rfc3161timestamp}; Sigstore bundles as OCI 1.1 referrers).
 */
package dev.sigstack.gate.oci;
