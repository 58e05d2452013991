/**
 * ECDSA over the NIST prime curves P-256, P-384 and P-521
 * (<a href="https://csrc.nist.gov/pubs/fips/186-5/final">FIPS 186-5</a> §6, curves from
 * <a href="https://csrc.nist.gov/pubs/sp/800/186/final">SP 800-186</a>), signatures encoded as the DER
 * {@code Ecdsa-Sig-Value} of <a href="https://www.rfc-editor.org/rfc/rfc3279#section-2.2.3">RFC 3279 §2.2.3</a>,
 * nonces derived deterministically as in <a href="https://www.rfc-editor.org/rfc/rfc6979">RFC 6979</a>.
 *
 * <p>The same signatures as the JDK's {@code SHA256withECDSA} (and SHA-384, SHA-512) for keys held in memory,
 * computed with BouncyCastle's curve-specific field arithmetic: several times cheaper in CPU than the JDK's
 * provider, and a public key used again and again (a CA's issuing key at a CT log) keeps its precomputed
 * multiples. Keys in hardware tokens stay with their JCA provider.
 */
package dev.sigstack.core.ecdsa;
