package dev.sigstack.gate.verify;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a TrustRoot provides for verification.
 *
 * @param name the TrustRoot's name
 * @param version changes whenever the material changes (cache key)
 * @param caCertificates Fulcio-compatible CA certificates (roots and intermediates)
 * @param ctlogKeys CT log keys for SCTs
 * @param tlogKeys Rekor keys for SETs
 * @param tsaCertificates timestamp authority certificates
 */
public record TrustedMaterial(String name, String version, List<X509Certificate> caCertificates,
        List<PublicKey> ctlogKeys, List<PublicKey> tlogKeys, List<X509Certificate> tsaCertificates) {
    public TrustedMaterial {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        caCertificates = List.copyOf(caCertificates);
        ctlogKeys = List.copyOf(ctlogKeys);
        tlogKeys = List.copyOf(tlogKeys);
        tsaCertificates = List.copyOf(tsaCertificates);
    }
}
