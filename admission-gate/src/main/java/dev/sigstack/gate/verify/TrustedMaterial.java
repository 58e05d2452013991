package dev.sigstack.gate.verify;

import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
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
 * @param trustedRoot the same material as a Sigstore TrustedRoot (for bundle verification), or null when it cannot
 *     be expressed as one (no CA or no transparency log)
 */
public record TrustedMaterial(String name, String version, List<X509Certificate> caCertificates,
        List<PublicKey> ctlogKeys, List<PublicKey> tlogKeys, List<X509Certificate> tsaCertificates,
        TrustedRoot trustedRoot) {
    /** From lists; the TrustedRoot is derived (each CA root with the intermediates it issued, logs by key ID). */
    public TrustedMaterial(String name, String version, List<X509Certificate> caCertificates,
            List<PublicKey> ctlogKeys, List<PublicKey> tlogKeys, List<X509Certificate> tsaCertificates) {
        this(name, version, caCertificates, ctlogKeys, tlogKeys, tsaCertificates,
                derive(caCertificates, ctlogKeys, tlogKeys));
    }

    private static TrustedRoot derive(List<X509Certificate> cas, List<PublicKey> ctlogs, List<PublicKey> tlogs) {
        if (cas.isEmpty() || tlogs.isEmpty()) {
            return null;
        }
        StackDescription.Window always = new StackDescription.Window(Instant.EPOCH, null);
        List<StackDescription.CertificateAuthority> authorities = new ArrayList<>();
        for (X509Certificate root : cas) {
            if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
                continue;
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (X509Certificate c : cas) {
                if (c != root && c.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
                    chain.add(c);
                }
            }
            chain.add(root);
            authorities.add(new StackDescription.CertificateAuthority("https://ca.internal", chain, always));
        }
        if (authorities.isEmpty()) {
            return null;
        }
        try {
            return TrustMaterial.trustedRoot(new StackDescription(authorities,
                    tlogs.stream().map(k -> new StackDescription.TransparencyLog("https://rekor.internal", k, always,
                            null)).toList(),
                    ctlogs.stream().map(k -> new StackDescription.TransparencyLog("https://ctfe.internal", k, always,
                            null)).toList(),
                    List.of(), List.of(), List.of(), List.of(), List.of()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public TrustedMaterial {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        caCertificates = List.copyOf(caCertificates);
        ctlogKeys = List.copyOf(ctlogKeys);
        tlogKeys = List.copyOf(tlogKeys);
        tsaCertificates = List.copyOf(tsaCertificates);
    }
}
