/**
 * Sigstore client trust material built from the stack's own configuration and keys:
 * {@code trusted_root.json} ({@code dev.sigstore.trustroot.v1.TrustedRoot}, media type
 * {@code application/vnd.dev.sigstore.trustedroot+json;version=0.1}) and
 * {@code signing_config.v0.2.json} ({@code dev.sigstore.trustroot.v1.SigningConfig}, media type
 * {@code application/vnd.dev.sigstore.signingconfig.v0.2+json}).
 *
 * <p>Spec: sigstore/protobuf-specs 0.5.0, {@code protos/sigstore_trustroot.proto} and
 * {@code sigstore_common.proto}; JSON is the canonical proto3 JSON mapping (camelCase names, enum
 * names, base64 bytes, RFC 3339 times), as sigstore/root-signing publishes these targets.
 */
package dev.sigstack.core.trustroot;
