/**
 * The Update Framework: metadata, OLPC canonical JSON, signing and the client workflow.
 *
 * <p>Implements <a href="https://theupdateframework.github.io/specification/v1.0.31/">The Update
 * Framework specification, version 1.0.31</a>: section 4 (document formats, canonical JSON, key
 * objects and key IDs), and the detailed client workflow of section 5.3 to 5.7 (root rotation
 * chain, timestamp, snapshot, targets and target download), with consistent snapshots.
 *
 * <p>Where the specification leaves a detail open this package does what sigstore's clients do
 * (sigstore-java {@code dev.sigstore.tuf.Updater}, tuf-js): key types {@code ecdsa} with scheme
 * {@code ecdsa-sha2-nistp256} (PEM public key) and {@code ed25519} (hex public key); canonical
 * JSON strings escape only {@code "} and {@code \}; metadata files are read up to 99 KiB unless a
 * length is known.
 *
 * <p>A role's threshold counts distinct keys by key material (the DER public key), never key IDs:
 * one key listed under two IDs, or spelled twice (PEM and hex), counts once. When a new root
 * rotates the timestamp or snapshot keys (any change of the key set or threshold), the trusted
 * timestamp and snapshot are deleted (spec 5.3.11); trusted metadata that the current root's keys
 * no longer sign to threshold is not trusted either, as python-tuf's ngclient does.
 */
package dev.sigstack.core.tuf;
