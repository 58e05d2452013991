package dev.sigstack.gate.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/** An RFC 3161 timestamp authority for tests (root and time-stamping leaf), as a TSA service answers. */
public final class TestTsa {
    public final KeyPair rootKey = Cosign.ecKey();
    public final KeyPair leafKey = Cosign.ecKey();
    public final X509Certificate root;
    public final X509Certificate leaf;

    public TestTsa() {
        try {
            Instant now = Instant.now();
            X500Name rn = new X500Name("CN=tsa-root,O=sigstack-test");
            X509v3CertificateBuilder rb = new X509v3CertificateBuilder(rn, BigInteger.ONE,
                    Date.from(now.minus(Duration.ofDays(30))), Date.from(now.plus(Duration.ofDays(365))), rn,
                    SubjectPublicKeyInfo.getInstance(rootKey.getPublic().getEncoded()));
            rb.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            root = new JcaX509CertificateConverter().getCertificate(rb.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
            X509v3CertificateBuilder lb = new X509v3CertificateBuilder(rn, BigInteger.TWO,
                    Date.from(now.minus(Duration.ofDays(30))), Date.from(now.plus(Duration.ofDays(365))),
                    new X500Name("CN=tsa,O=sigstack-test"), SubjectPublicKeyInfo.getInstance(
                            leafKey.getPublic().getEncoded()));
            lb.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            leaf = new JcaX509CertificateConverter().getCertificate(lb.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** cosign's annotation value: {"SignedRFC3161Timestamp": base64(TimeStampResp)} over {@code data} at {@code at}. */
    public String annotation(byte[] data, Instant at) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
            TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
            rg.setCertReq(true);
            var req = rg.generate(TSPAlgorithms.SHA256, digest, BigInteger.valueOf(at.toEpochMilli()));
            TimeStampTokenGenerator tg = new TimeStampTokenGenerator(new JcaSimpleSignerInfoGeneratorBuilder()
                    .build("SHA256withECDSA", leafKey.getPrivate(), leaf),
                    new org.bouncycastle.operator.bc.BcDigestCalculatorProvider().get(
                            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                    org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1)),
                    new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.3.4"));
            tg.addCertificates(new JcaCertStore(List.of(leaf)));
            var resp = new TimeStampResponseGenerator(tg, TSPAlgorithms.ALLOWED).generate(req, BigInteger.ONE,
                    Date.from(at));
            return "{\"SignedRFC3161Timestamp\":\"" + Base64.getEncoder().encodeToString(resp.getEncoded()) + "\"}";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
