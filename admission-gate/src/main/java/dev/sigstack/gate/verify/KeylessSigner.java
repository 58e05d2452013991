package dev.sigstack.gate.verify;

import com.google.re2j.Pattern;
import dev.sigstack.core.ct.SctVerificationException;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.InvalidFulcioExtensionException;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.policy.ClusterImagePolicy.Identity;
import dev.sigstack.gate.policy.ClusterImagePolicy.KeylessRef;
import dev.sigstack.core.pem.Pem;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A {@code keyless} authority: the signing certificate must chain to a CA of the TrustRoot (or the authority's
 * {@code ca-cert}) at the signing time, carry an SCT from a CT log of the TrustRoot (unless
 * {@code insecureIgnoreSCT}), and name one of the identities; the signature must verify with its key, and a
 * transparency log entry is required.
 */
final class KeylessSigner implements Signer {
    private final List<Identity> identities;
    private final List<Pattern> issuerPatterns;
    private final List<Pattern> subjectPatterns;
    private final Set<TrustAnchor> anchors;
    private final List<X509Certificate> intermediates;
    private final List<PublicKey> ctlogKeys;
    private final boolean ignoreSct;

    private KeylessSigner(List<Identity> identities, Set<TrustAnchor> anchors, List<X509Certificate> intermediates,
            List<PublicKey> ctlogKeys, boolean ignoreSct) {
        this.identities = List.copyOf(identities);
        this.issuerPatterns = identities.stream().map(i -> i.issuerRegExp() == null || i.issuerRegExp().isEmpty()
                ? null : Pattern.compile(i.issuerRegExp())).toList();
        this.subjectPatterns = identities.stream().map(i -> i.subjectRegExp() == null || i.subjectRegExp().isEmpty()
                ? null : Pattern.compile(i.subjectRegExp())).toList();
        this.anchors = Set.copyOf(anchors);
        this.intermediates = List.copyOf(intermediates);
        this.ctlogKeys = List.copyOf(ctlogKeys);
        this.ignoreSct = ignoreSct;
    }

    static KeylessSigner create(KeylessRef ref, TrustedMaterial tm, String caCertPem) throws VerificationException {
        List<X509Certificate> cas = caCertPem != null && !caCertPem.isEmpty() ? Pem.readCertificates(caCertPem)
                : tm.caCertificates();
        Set<TrustAnchor> anchors = new HashSet<>();
        List<X509Certificate> inter = new ArrayList<>();
        for (X509Certificate c : cas) {
            if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                anchors.add(new TrustAnchor(c, null));
            } else {
                inter.add(c);
            }
        }
        if (anchors.isEmpty()) {
            throw new VerificationException("trust root " + tm.name() + " has no certificate authority root");
        }
        return new KeylessSigner(ref.identities(), anchors, inter, tm.ctlogKeys(), ref.insecureIgnoreSct());
    }

    @Override
    public Signed verify(SignatureLayer layer, byte[] data, byte[] signature, Instant signingTime)
            throws VerificationException {
        if (layer.certificatePem() == null || layer.certificatePem().isEmpty()) {
            throw new VerificationException("signature has no certificate (" + SignatureLayer.ANN_CERTIFICATE + ")");
        }
        List<X509Certificate> leafs = Pem.readCertificates(layer.certificatePem());
        if (leafs.isEmpty()) {
            throw new VerificationException("certificate annotation holds no certificate");
        }
        X509Certificate leaf = leafs.get(0);
        leafUsage(leaf);
        List<X509Certificate> path = chain(leaf, layer.chainPem(), signingTime);
        if (!ignoreSct) {
            sct(leaf, path.size() > 1 ? path.get(1) : issuerAnchor(leaf));
        }
        FulcioIdentity id;
        try {
            id = FulcioIdentity.of(leaf);
        } catch (InvalidFulcioExtensionException e) {
            throw new VerificationException("certificate identity is malformed: " + e.getMessage());
        }
        // RE2 (RE2/J), unanchored: cosign's CheckCertificatePolicy uses Go's regexp.MatchString.
        String subject = id.san().value();
        String issuer = id.issuer();
        boolean ok = false;
        for (int i = 0; i < identities.size() && !ok; i++) {
            Identity want = identities.get(i);
            boolean issuerOk = issuerPatterns.get(i) != null ? issuerPatterns.get(i).matcher(issuer).find()
                    : issuer.equals(want.issuer());
            boolean subjectOk = subjectPatterns.get(i) != null ? subjectPatterns.get(i).matcher(subject).find()
                    : subject.equals(want.subject());
            ok = issuerOk && subjectOk;
        }
        if (!ok) {
            throw new VerificationException("none of the expected identities matched what was in the certificate, "
                    + "got subjects [" + subject + "] with issuer " + issuer);
        }
        Signatures.verify(leaf.getPublicKey(), "sha256", data, signature);
        java.util.Map<String, String> ext = new java.util.LinkedHashMap<>();
        put(ext, "githubWorkflowTrigger", id, dev.sigstack.core.x509.FulcioOid.GITHUB_WORKFLOW_TRIGGER);
        put(ext, "githubWorkflowSha", id, dev.sigstack.core.x509.FulcioOid.GITHUB_WORKFLOW_SHA);
        put(ext, "githubWorkflowName", id, dev.sigstack.core.x509.FulcioOid.GITHUB_WORKFLOW_NAME);
        put(ext, "githubWorkflowRepo", id, dev.sigstack.core.x509.FulcioOid.GITHUB_WORKFLOW_REPOSITORY);
        put(ext, "githubWorkflowRef", id, dev.sigstack.core.x509.FulcioOid.GITHUB_WORKFLOW_REF);
        try {
            return new Signed(subject, issuer, ext, leaf.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new VerificationException("certificate cannot be re-encoded: " + e.getMessage());
        }
    }

    /**
     * As the bundle path (core's BundleVerifier) and cosign's {@code TrustedCert} ask: the leaf's extended key usage
     * includes code signing, and the leaf is not a CA (basic constraints cA=true would let the signer issue
     * certificates of its own).
     */
    static void leafUsage(X509Certificate leaf) throws VerificationException {
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new VerificationException("certificate's extended key usage is malformed: " + e.getMessage());
        }
        if (eku == null || !eku.contains("1.3.6.1.5.5.7.3.3")) {
            throw new VerificationException("certificate's extended key usage does not include code signing "
                    + "(1.3.6.1.5.5.7.3.3)");
        }
        if (leaf.getBasicConstraints() != -1) {
            throw new VerificationException("signing certificate is a CA certificate (basic constraints cA=true)");
        }
    }

    private static void put(java.util.Map<String, String> ext, String key, FulcioIdentity id,
            dev.sigstack.core.x509.FulcioOid oid) {
        id.extensions().get(oid).ifPresent(v -> ext.put(key, v));
    }

    private List<X509Certificate> chain(X509Certificate leaf, String chainPem, Instant at)
            throws VerificationException {
        List<X509Certificate> pool = new ArrayList<>(intermediates);
        if (chainPem != null && !chainPem.isEmpty()) {
            pool.addAll(Pem.readCertificates(chainPem));
        }
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate cur = leaf;
        for (int depth = 0; depth < 8 && !isAnchored(cur); depth++) {
            X509Certificate next = null;
            for (X509Certificate c : pool) {
                if (c.getSubjectX500Principal().equals(cur.getIssuerX500Principal()) && !path.contains(c)
                        && !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                break;
            }
            path.add(next);
            cur = next;
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPath cp = cf.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at != null ? at : Instant.now()));
            CertPathValidator.getInstance("PKIX").validate(cp, params);
        } catch (GeneralSecurityException e) {
            throw new VerificationException("certificate does not chain to a trusted CA at "
                    + (at != null ? at + " (signing time)" : "the current time (no signing time)") + ": "
                    + e.getMessage());
        }
        return path;
    }

    private boolean isAnchored(X509Certificate c) {
        return anchors.stream().anyMatch(a -> a.getTrustedCert().getSubjectX500Principal()
                .equals(c.getIssuerX500Principal()));
    }

    private X509Certificate issuerAnchor(X509Certificate leaf) throws VerificationException {
        return anchors.stream().map(TrustAnchor::getTrustedCert)
                .filter(a -> a.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())).findFirst()
                .orElseThrow(() -> new VerificationException("no issuer for the certificate"));
    }

    private void sct(X509Certificate leaf, X509Certificate issuer) throws VerificationException {
        if (ctlogKeys.isEmpty()) {
            throw new VerificationException("no CT log keys in the trust root to verify the SCT");
        }
        String last = "no SCT from a trusted CT log";
        try {
            X509CertificateHolder l = new X509CertificateHolder(leaf.getEncoded());
            X509CertificateHolder i = new X509CertificateHolder(issuer.getEncoded());
            for (PublicKey k : ctlogKeys) {
                try {
                    SctVerifier.verifyEmbedded(l, i, k);
                    return;
                } catch (SctVerificationException e) {
                    last = e.getMessage();
                }
            }
        } catch (CertificateEncodingException | java.io.IOException e) {
            throw new VerificationException("certificate cannot be re-encoded: " + e.getMessage());
        }
        throw new VerificationException("unable to verify SCT: " + last);
    }

    @Override
    public boolean requiresTlog() {
        return true;
    }
}
