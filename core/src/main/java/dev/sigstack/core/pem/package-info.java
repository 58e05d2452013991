/**
 * PEM files of keys and certificates, as the stack's services, tools and operators exchange them.
 *
 * <p>Sources: RFC 7468 (textual encodings: labels {@code CERTIFICATE}, {@code PUBLIC KEY}, {@code PRIVATE KEY},
 * {@code ENCRYPTED PRIVATE KEY}; base64 lines of 64 characters), RFC 5915 (SEC1 {@code EC PRIVATE KEY}, with the
 * curve and the public key as openssl writes them), RFC 5958 (PKCS#8 and its encrypted form, as
 * {@code openssl genpkey} writes it) and RFC 8410 (Ed25519 keys).
 */
package dev.sigstack.core.pem;
