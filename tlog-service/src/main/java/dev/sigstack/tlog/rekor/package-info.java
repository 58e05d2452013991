/**
 * Rekor's HTTP APIs over a {@link dev.sigstack.tlog.LogEngine}: the Rekor v1 REST API ({@code sigstore/rekor}
 * {@code openapi.yaml}, v1.x) and the Rekor v2 write API ({@code sigstore/rekor-tiles}, protobuf-specs 0.5.0
 * {@code rekor/v2}). Handlers parse, call {@code dev.sigstack.core.rekor}, and serialize; every refusal is a
 * {@link dev.sigstack.tlog.rekor.ApiError} written in one place as Rekor's {@code {code, message}} (v2: grpc-gateway's
 * {@code {code, message, details}}). {@link dev.sigstack.tlog.rekor.RekorApis} wires both.
 *
 * <p>What stock clients require of the logs behind them:
 * <ul>
 *   <li>v1 checkpoints in Rekor's form: origin {@code "<hostname> - <treeID>"}, one signature named
 *       {@code <hostname>} (no port), key hint SHA-256(DER key)[0:4]. sigstore-go takes any other origin for a
 *       Rekor v2 checkpoint and recomputes a v2 leaf hash; sigstore-java and sigstore-js match the signer name
 *       against the log URL's host.</li>
 *   <li>v2 checkpoints: origin and signer name {@code <hostname>}; log ID SHA-256(DER key) for ECDSA, the C2SP key
 *       hash SHA-256(hostname || 0x0A || 0x01 || key) for Ed25519.</li>
 *   <li>an ECDSA log key for v1: sigstore-go verifies SignedEntryTimestamps with ECDSA only.</li>
 * </ul>
 */
package dev.sigstack.tlog.rekor;
