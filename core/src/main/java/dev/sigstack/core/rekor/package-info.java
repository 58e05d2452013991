/**
 * Rekor entries as the Rekor server stores them.
 *
 * <ul>
 *   <li>Rekor v1 API ({@code sigstore/rekor} {@code openapi.yaml}, v1.x): proposed entries of kind
 *       {@code hashedrekord} 0.0.1, {@code dsse} 0.0.1 and {@code intoto} 0.0.2, canonicalized the way
 *       {@code pkg/types/<kind>/<version>/entry.go} does, their index keys ({@code IndexKeys()}), the entry UUID
 *       ({@code pkg/sharding}: 16-hex tree ID and the RFC 6962 leaf hash) and the SignedEntryTimestamp.</li>
 *   <li>Canonical JSON: RFC 8785 JSON Canonicalization Scheme (<a href="https://www.rfc-editor.org/rfc/rfc8785">RFC 8785</a>),
 *       which Rekor applies to stored bodies and to the SET payload.</li>
 *   <li>Rekor v2 ({@code sigstore/rekor-tiles}, protobuf-specs 0.5.0 {@code rekor/v2}): {@code HashedRekordRequestV002}
 *       to the canonical {@code Entry} leaf and the {@code TransparencyLogEntry} answer.</li>
 *   <li>DSSE pre-authentication encoding (<a href="https://github.com/secure-systems-lab/dsse/blob/master/protocol.md">DSSE v1.0.0</a>).</li>
 * </ul>
 */
package dev.sigstack.core.rekor;
