package dev.sigstack.core.verify;

import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.trustroot.v1.CertificateAuthority;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** RFC 5280 path validation at a given time, against a certificate authority of a trusted root. */
final class CertificatePaths {

    private CertificatePaths() {
    }

    /** A chain from a trusted root entry: the issuer of the leaf first, the self-signed root last. */
    record Authority(String uri, TimeRange validFor, List<java.security.cert.X509Certificate> chain) {
        Authority {
            chain = List.copyOf(chain);
        }

        /** Within {@code validFor}, a closed interval; as sigstore-go, a missing bound is no bound for CAs and TSAs. */
        boolean validAt(Instant t) {
            if (validFor == null) {
                return true;
            }
            if (validFor.hasStart() && (t.getEpochSecond() < validFor.getStart().getSeconds()
                    || (t.getEpochSecond() == validFor.getStart().getSeconds()
                    && t.getNano() < validFor.getStart().getNanos()))) {
                return false;
            }
            if (!validFor.hasEnd()) {
                return true;
            }
            Instant end = Instant.ofEpochSecond(validFor.getEnd().getSeconds(), validFor.getEnd().getNanos());
            return !t.isAfter(end); // TimeRange is a closed interval
        }

        java.security.cert.X509Certificate root() {
            return chain.get(chain.size() - 1);
        }
    }

    static Authority authority(CertificateAuthority ca) throws CertificateException {
        List<java.security.cert.X509Certificate> chain = new ArrayList<>();
        for (X509Certificate c : ca.getCertChain().getCertificatesList()) {
            chain.add(parse(c.getRawBytes().toByteArray()));
        }
        if (chain.isEmpty()) {
            throw new CertificateException("authority " + ca.getUri() + " has an empty certificate chain");
        }
        return new Authority(ca.getUri(), ca.hasValidFor() ? ca.getValidFor() : null, chain);
    }

    static java.security.cert.X509Certificate parse(byte[] der) throws CertificateException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        return (java.security.cert.X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
    }

    /**
     * Validates {@code leaf} up to the authority's root at {@code time}: every certificate (the root too) must be
     * valid then, each must be signed by the next, and CA constraints must hold.
     *
     * @return the certificate that issued {@code leaf}
     * @throws GeneralSecurityException with the reason when the path does not validate
     */
    static java.security.cert.X509Certificate validate(java.security.cert.X509Certificate leaf, Authority authority,
            Instant time) throws GeneralSecurityException {
        Date at = Date.from(time);
        leaf.checkValidity(at);
        for (java.security.cert.X509Certificate c : authority.chain()) {
            c.checkValidity(at);
        }
        java.security.cert.X509Certificate root = authority.root();
        if (authority.chain().size() == 1 && leaf.equals(root)) {
            root.verify(root.getPublicKey());
            return root;
        }
        List<java.security.cert.X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(authority.chain().subList(0, authority.chain().size() - 1));
        if (path.size() > 1 && path.get(path.size() - 1).equals(root)) {
            path.remove(path.size() - 1);
        }
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(at);
        CertPathValidator.getInstance("PKIX").validate(certPath, params);
        return authority.chain().get(0);
    }
}
