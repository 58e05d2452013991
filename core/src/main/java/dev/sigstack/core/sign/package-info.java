/**
 * The pure parts of a Sigstore signing client: choosing services from a {@code SigningConfig} v0.2
 * (protobuf-specs {@code dev.sigstore.trustroot.v1.SigningConfig}: {@code caUrls}, {@code rekorTlogUrls},
 * {@code tsaUrls}, {@code oidcUrls} with their selectors), Fulcio's {@code POST /api/v2/signingCert} JSON
 * ({@code fulcio/fulcio.proto}: {@code credentials.oidcIdentityToken}, {@code publicKeyRequest} with a PEM key and
 * a proof of possession over the token's subject), Rekor v1 proposed entries ({@code hashedrekord} and
 * {@code dsse} 0.0.1, OpenAPI {@code LogEntry} answers) and Rekor v2 {@code CreateEntryRequest}s, RFC 3161
 * time-stamp requests, DSSE envelopes (PAE) and the v0.3 bundle they all end up in. No I/O: the HTTP calls are
 * the caller's.
 */
package dev.sigstack.core.sign;
