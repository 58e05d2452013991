/**
 * Rekor's HTTP APIs over a {@link dev.sigstack.tlog.LogEngine}: the Rekor v1 REST API ({@code sigstore/rekor}
 * {@code openapi.yaml}, v1.x) and the Rekor v2 write API ({@code sigstore/rekor-tiles}, protobuf-specs 0.5.0
 * {@code rekor/v2}). Handlers parse, call {@code dev.sigstack.core.rekor}, and serialize; every refusal is a
 * {@link dev.sigstack.tlog.rekor.ApiError} written in one place as Rekor's {@code {code, message}}.
 */
package dev.sigstack.tlog.rekor;
