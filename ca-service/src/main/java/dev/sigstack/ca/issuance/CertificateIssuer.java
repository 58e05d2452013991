package dev.sigstack.ca.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import dev.sigstack.ca.ct.CtLogClient;
import dev.sigstack.ca.ct.CtSubmissionException;
import dev.sigstack.ca.identity.Principal;
import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctList;
import dev.sigstack.core.ecdsa.Ecdsa;

/**
 * Issues Fulcio-profile certificates with an embedded SCT: builds a precertificate (poison extension, critical),
 * submits it with its chain to the CT log, then signs the final certificate with the same TBS fields and the SCT
 * list in place of the poison.
 *
 * <p>Profile (Fulcio {@code pkg/ca/common.go}): validity 10 minutes from now; empty subject; KeyUsage
 * digitalSignature (critical); EKU codeSigning; SubjectKeyIdentifier; AuthorityKeyIdentifier; one critical SAN;
 * the Fulcio extensions; a random 20-byte positive serial.
 */
public final class CertificateIssuer {
    /** Fulcio's certificate lifetime. */
    public static final Duration VALIDITY = Duration.ofMinutes(10);

    private final CaSigner signer;
    private final CtLogClient ctLog;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final List<byte[]> issuerChainDer;
    private final AuthorityKeyIdentifier aki;
    private final X500Name issuerName;
    private static final X500Name EMPTY_SUBJECT = new X500Name(new org.bouncycastle.asn1.x500.RDN[0]);
    private volatile Validity lastValidity;
    /** The issuing key as an in-memory ECDSA signer, or null (PKCS#11, RSA, Ed25519): then the JCA signs. */
    private final Ecdsa.Signer fastSigner;
    private final org.bouncycastle.asn1.x509.AlgorithmIdentifier signatureAlgorithmId;

    public CertificateIssuer(CaSigner signer, CtLogClient ctLog, Clock clock) {
        this.signer = signer;
        this.ctLog = ctLog;
        this.clock = clock;
        this.fastSigner = signer.provider() == null ? Ecdsa.Signer.of(signer.key()).orElse(null) : null;
        this.signatureAlgorithmId = fastSigner == null ? null : EcdsaContentSigner.algorithmId(signer.signatureAlgorithm());
        try {
            List<byte[]> der = new ArrayList<>();
            for (X509Certificate c : signer.chain()) {
                der.add(c.getEncoded());
            }
            this.issuerChainDer = List.copyOf(der);
            X509CertificateHolder issuer = new X509CertificateHolder(signer.issuingCertificate().getEncoded());
            this.issuerName = issuer.getSubject();
            SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
            this.aki = ski != null ? new AuthorityKeyIdentifier(ski.getKeyIdentifier())
                : new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(signer.issuingCertificate());
        } catch (CertificateEncodingException | IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("the CA certificate cannot be encoded", e);
        }
    }

    public CaSigner signer() {
        return signer;
    }

    /**
     * Issues a certificate for {@code key} naming {@code principal}, with an SCT from the CT log embedded.
     *
     * @return leaf first, then the CA chain up to the root
     */
    public List<X509Certificate> issue(Principal principal, PublicKey key) throws CtSubmissionException {
        Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        BigInteger serial = serial();
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        X509CertificateHolder precert = build(principal, spki, serial, notBefore, new Extension(CtOids.POISON, true, nullBytes()));
        List<byte[]> chain = new ArrayList<>(issuerChainDer.size() + 1);
        chain.add(encoded(precert));
        chain.addAll(issuerChainDer);
        Sct sct = ctLog.addPreChain(chain);
        X509CertificateHolder fin = build(principal, spki, serial, notBefore, SctList.toExtension(List.of(sct)));
        List<X509Certificate> out = new ArrayList<>(signer.chain().size() + 1);
        out.add(convert(fin));
        out.addAll(signer.chain());
        return out;
    }

    private X509CertificateHolder build(Principal principal, SubjectPublicKeyInfo spki, BigInteger serial, Instant notBefore,
                                        Extension last) {
        Time[] validity = validity(notBefore);
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, serial, validity[0], validity[1],
            EMPTY_SUBJECT, spki);
        try {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(sha1(spki)));
            b.addExtension(Extension.authorityKeyIdentifier, false, aki);
            b.addExtension(principal.san().toExtension());
            for (Extension e : principal.extensions().toExtensions()) {
                b.addExtension(e);
            }
            b.addExtension(last);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode certificate extensions", e);
        }
        return b.build(fastSigner != null
            ? new EcdsaContentSigner(fastSigner, signer.signatureAlgorithm(), signatureAlgorithmId)
            : signer.contentSigner());
    }

    /**
     * notBefore and notAfter as UTCTime (RFC 5280 §4.1.2.5: UTCTime through 2049, else GeneralizedTime), the pair
     * kept for the current second: BouncyCastle's {@code Time(Date)} formats with a new SimpleDateFormat per call.
     */
    private Time[] validity(Instant notBefore) {
        Validity v = lastValidity;
        if (v == null || v.second() != notBefore.getEpochSecond()) {
            v = new Validity(notBefore.getEpochSecond(), new Time[] {time(notBefore), time(notBefore.plus(VALIDITY))});
            lastValidity = v;
        }
        return v.times();
    }

    private record Validity(long second, Time[] times) { }

    static Time time(Instant t) {
        java.time.ZonedDateTime z = t.atZone(java.time.ZoneOffset.UTC);
        if (z.getYear() < 1950 || z.getYear() >= 2050) {
            return new Time(new org.bouncycastle.asn1.DERGeneralizedTime(Date.from(t)));
        }
        String s = String.format(java.util.Locale.ROOT, "%02d%02d%02d%02d%02d%02dZ", z.getYear() % 100, z.getMonthValue(),
            z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond());
        byte[] der = new byte[2 + s.length()];
        der[0] = 0x17; // UTCTime
        der[1] = (byte) s.length();
        System.arraycopy(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, der, 2, s.length());
        return Time.getInstance(org.bouncycastle.asn1.ASN1UTCTime.getInstance(der));
    }

    private BigInteger serial() {
        byte[] b = new byte[20];
        random.nextBytes(b);
        b[0] &= 0x7f;
        if (b[0] == 0) {
            b[0] = 1;
        }
        return new BigInteger(1, b);
    }

    private static byte[] sha1(SubjectPublicKeyInfo spki) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] nullBytes() {
        try {
            return DERNull.INSTANCE.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509CertificateHolder h) {
        try {
            return h.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate convert(X509CertificateHolder h) {
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (CertificateException e) {
            throw new IllegalStateException("issued certificate cannot be decoded", e);
        }
    }
}
