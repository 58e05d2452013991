/**
 * The site's TUF repository: build, sign, rotate, refresh, verify, package for the cluster
 * ({@code mirrorFS} and policy-controller {@code TrustRoot}) and serve over HTTP.
 *
 * <p>Metadata follows the TUF specification 1.0.31 with consistent snapshots; the targets carry
 * sigstore's trust material as sigstore/root-signing publishes it. The TUF formats and the
 * verifying client live in {@code dev.sigstack.core.tuf}.
 */
package dev.sigstack.tuf;
