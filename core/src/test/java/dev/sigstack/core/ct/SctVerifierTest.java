package dev.sigstack.core.ct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class SctVerifierTest {

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509CertificateHolder cert(KeyPair issuer, KeyPair subject, Extension... extra) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=issuer"), BigInteger.TEN,
            new Date(0), new Date(1_000_000_000_000L), new X500Name(""), subject.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        for (Extension e : extra) {
            b.addExtension(e);
        }
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate()));
    }

    private static Sct sign(KeyPair log, SignedEntry entry, long ts) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(log.getPrivate());
        s.update(entry.signatureInput(ts, new byte[0]));
        return new Sct(LogId.of(log.getPublic()), ts, new byte[0], new DigitallySigned(4, 3, s.sign()));
    }

    @Test
    void verifyEmbedded_sctOverPrecert_verifiesAgainstFinalCert() throws Exception {
        KeyPair ca = ec();
        KeyPair leaf = ec();
        KeyPair log = ec();
        X509CertificateHolder issuer = cert(ca, ca);
        X509CertificateHolder precert = cert(ca, leaf, new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
        assertTrue(Precertificates.isPrecertificate(precert));
        Sct sct = sign(log, Precertificates.precertEntry(precert, issuer), 1234);
        X509CertificateHolder fin = cert(ca, leaf, SctList.toExtension(List.of(sct)));
        assertEquals(sct, SctVerifier.verifyEmbedded(fin, issuer, log.getPublic()));
    }

    @Test
    void verifyEmbedded_otherLogKey_throws() throws Exception {
        KeyPair ca = ec();
        KeyPair leaf = ec();
        X509CertificateHolder issuer = cert(ca, ca);
        X509CertificateHolder precert = cert(ca, leaf, new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
        Sct sct = sign(ec(), Precertificates.precertEntry(precert, issuer), 1);
        X509CertificateHolder fin = cert(ca, leaf, SctList.toExtension(List.of(sct)));
        assertThrows(SctVerificationException.class, () -> SctVerifier.verifyEmbedded(fin, issuer, ec().getPublic()));
    }

    @Test
    void verify_tamperedTimestamp_throws() throws Exception {
        KeyPair log = ec();
        SignedEntry entry = new SignedEntry.X509Entry(new byte[] {1});
        Sct sct = sign(log, entry, 5);
        Sct tampered = new Sct(sct.logId(), 6, sct.extensions(), sct.signature());
        SctVerifier.verify(sct, entry, log.getPublic());
        assertThrows(SctVerificationException.class, () -> SctVerifier.verify(tampered, entry, log.getPublic()));
    }

    @Test
    void verifyEmbedded_noSctList_throws() throws Exception {
        KeyPair ca = ec();
        X509CertificateHolder c = cert(ca, ec());
        assertThrows(SctVerificationException.class, () -> SctVerifier.verifyEmbedded(c, cert(ca, ca), ec().getPublic()));
    }
}
