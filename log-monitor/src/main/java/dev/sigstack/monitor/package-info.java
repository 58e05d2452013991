/**
 * Monitors a sigstack transparency log and audits the identities that signed into it.
 *
 * <ul>
 *   <li>Reads the log through its public C2SP tlog-tiles API (<a href="https://c2sp.org/tlog-tiles">c2sp.org/tlog-tiles</a>):
 *       {@code GET /checkpoint}, hash tiles and entry bundles.</li>
 *   <li>Verifies each checkpoint (<a href="https://c2sp.org/tlog-checkpoint">c2sp.org/tlog-checkpoint</a>, a
 *       <a href="https://c2sp.org/signed-note">signed note</a> under the log's ECDSA P-256 key, as Rekor signs) and its
 *       RFC 6962 / RFC 9162 §2.1.4 consistency with the last verified one; every entry is checked against the
 *       verified tree before it is decoded (its bundle's subtree proven against the signed root,
 *       draft-davidben-tls-merkle-tree-certs subtree consistency).</li>
 *   <li>Decodes Rekor v1 canonical bodies ({@code sigstore/rekor} {@code pkg/types}: {@code hashedrekord} 0.0.1,
 *       {@code dsse} 0.0.1, {@code intoto} 0.0.2), Rekor v2 leaves ({@code sigstore/rekor-tiles}, protobuf-specs
 *       {@code rekor/v2} {@code Entry}), and the Fulcio certificate profile (SAN, issuer
 *       {@code 1.3.6.1.4.1.57264.1.1} and {@code .8}, CI extensions).</li>
 *   <li>Alerts in the spirit of sigstore/rekor-monitor: identities not on an allowlist, forks and rollbacks,
 *       stalls, malformed entries, and the admission gate's break-glass admissions.</li>
 * </ul>
 */
package dev.sigstack.monitor;
