package dev.sigstack.gate.testing;

import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.DigitallySigned;
import dev.sigstack.core.ct.LogId;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctList;
import dev.sigstack.core.ct.SignedEntry;
import dev.sigstack.core.x509.FulcioExtensions;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A Fulcio-like test CA (root only) and CT log: issues short-lived certificates with an embedded SCT. */
public final class TestCa {
    public final KeyPair rootKey = Cosign.ecKey();
    public final KeyPair ctKey = Cosign.ecKey();
    public final X509Certificate root;
    private long serial = 1;
    private boolean codeSigning = true;
    private boolean ca;

    public TestCa(String name) {
        try {
            X500Name n = new X500Name("CN=" + name + ",O=sigstack-test");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(n, BigInteger.ONE,
                    Date.from(now.minus(Duration.ofDays(365))), Date.from(now.plus(Duration.ofDays(3650))), n,
                    SubjectPublicKeyInfo.getInstance(rootKey.getPublic().getEncoded()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            root = new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 10-minute certificate for {@code key} naming a URI SAN and an OIDC issuer, valid from {@code notBefore}. */
    public synchronized X509Certificate issue(PublicKey key, String sanUri, String oidcIssuer, Instant notBefore) {
        return issue(key, sanUri, oidcIssuer, notBefore, true, false);
    }

    /**
     * As {@link #issue(PublicKey, String, String, Instant)}, for crafted leaves: without the code-signing extended key
     * usage, or with basic constraints cA=true.
     */
    public synchronized X509Certificate issue(PublicKey key, String sanUri, String oidcIssuer, Instant notBefore,
            boolean codeSigning, boolean ca) {
        this.codeSigning = codeSigning;
        this.ca = ca;
        try {
            BigInteger sn = BigInteger.valueOf(++serial);
            X509CertificateHolder rootHolder = new X509CertificateHolder(root.getEncoded());
            X509CertificateHolder pre = build(key, sanUri, oidcIssuer, notBefore, sn,
                    new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
            SignedEntry entry = Precertificates.precertEntry(pre, rootHolder);
            long ts = notBefore.toEpochMilli() + 1000;
            byte[] sig = Cosign.sign(ctKey.getPrivate(), entry.signatureInput(ts, new byte[0]));
            Sct sct = new Sct(LogId.of(ctKey.getPublic()), ts, new byte[0],
                    new DigitallySigned(DigitallySigned.SHA256, DigitallySigned.ECDSA, sig));
            X509CertificateHolder fin = build(key, sanUri, oidcIssuer, notBefore, sn, SctList.toExtension(List.of(sct)));
            return new JcaX509CertificateConverter().getCertificate(fin);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private X509CertificateHolder build(PublicKey key, String sanUri, String oidcIssuer, Instant notBefore,
            BigInteger sn, Extension last) throws Exception {
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(X500Name.getInstance(
                root.getSubjectX500Principal().getEncoded()), sn, Date.from(notBefore),
                Date.from(notBefore.plus(Duration.ofMinutes(10))), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                SubjectPublicKeyInfo.getInstance(key.getEncoded()));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(codeSigning
                ? KeyPurposeId.id_kp_codeSigning : KeyPurposeId.id_kp_emailProtection));
        if (ca) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        }
        b.addExtension(SubjectAltName.uri(sanUri).toExtension());
        for (Extension e : FulcioExtensions.builder(oidcIssuer)
                .set(FulcioOid.SOURCE_REPOSITORY_REF, sanUri.substring(sanUri.indexOf('@') + 1))
                .set(FulcioOid.GITHUB_WORKFLOW_REF, sanUri.substring(sanUri.indexOf('@') + 1))
                .set(FulcioOid.GITHUB_WORKFLOW_TRIGGER, "push").build().toExtensions()) {
            b.addExtension(e);
        }
        b.addExtension(last);
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate()));
    }

    /** PEM of a certificate. */
    public static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
