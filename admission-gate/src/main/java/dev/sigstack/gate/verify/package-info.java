/**
 * Verification of cosign signatures and attestations for one image against one authority, and the combination of
 * authorities and policies with policy-controller's semantics ({@code pkg/webhook/validator.go}: authorities of a
 * policy are ORed, matching policies are ANDed) and its wording. Signature formats: cosign's simple signing payload
 * (sigstore/cosign {@code specs/SIGNATURE_SPEC.md}), DSSE (https://github.com/secure-systems-lab/dsse) with in-toto
 * statements (https://github.com/in-toto/attestation/tree/main/spec/v1).
 */
package dev.sigstack.gate.verify;
