/**
 * Fulcio's X.509 certificate profile for short-lived code-signing certificates.
 *
 * <p>Sources: Fulcio's {@code docs/oid-info.md} (the OID arc {@code 1.3.6.1.4.1.57264.1}) and
 * {@code docs/certificate-specification.md}; RFC 5280 for the structures. Extensions {@code .1}–{@code .6}
 * carry the raw UTF-8 bytes of the value (a historical encoding Fulcio keeps for compatibility);
 * {@code .8}–{@code .24} carry a DER {@code UTF8String}. {@code .7} is the OtherName type used in the SAN of
 * {@code username} identities.
 */
package dev.sigstack.core.x509;
