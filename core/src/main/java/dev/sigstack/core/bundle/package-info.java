/**
 * Sigstore bundles (protobuf-specs 0.5.0 {@code dev.sigstore.bundle.v1.Bundle}, media types v0.1 to v0.3) and the
 * verification of their transparency log parts against a {@code TrustedRoot}: the SignedEntryTimestamp, the
 * RFC 6962 inclusion proof (<a href="https://www.rfc-editor.org/rfc/rfc6962#section-2.1.1">RFC 6962 2.1.1</a>), the
 * checkpoint as a C2SP signed note (<a href="https://c2sp.org/tlog-checkpoint">c2sp.org/tlog-checkpoint</a>,
 * <a href="https://c2sp.org/signed-note">c2sp.org/signed-note</a>) and the consistency of the logged body with the
 * bundle's signature and key.
 */
package dev.sigstack.core.bundle;
