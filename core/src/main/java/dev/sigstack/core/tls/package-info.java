/**
 * Self-signed serving certificates for the stack's own TLS endpoints (the CA's gRPC port, the admission
 * gate's webhook in standalone mode), for development and tests: a site installs its own certificates.
 *
 * <p>Sources: RFC 5280 (certificate structure, subjectAltName) and RFC 6125 section 6.4 (a client matches
 * the host it connects to against the DNS and IP address entries of the subjectAltName, not the common name).
 */
package dev.sigstack.core.tls;
