package dev.sigstack.core.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.core.testing.Hostile;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generated hostile certificates with embedded SCTs: the DER of a real certificate carrying a valid SCT over its
 * precertificate, mutated; whatever still parses as a certificate goes through {@link SctVerifier#verifyEmbedded},
 * which verifies or throws {@link SctVerificationException}, never anything else.
 */
class SctVerifierPropertiesTest {
    private static final KeyPair CA = TestKeys.p256();
    private static final KeyPair LOG = TestKeys.p256();
    private static final X509CertificateHolder ISSUER = cert(CA, CA);
    private static final KeyPair LEAF = TestKeys.p256();
    private static byte[] sctListTls;
    private static Sct original;
    private static final byte[] FINAL = finalCert();

    private static X509CertificateHolder cert(KeyPair issuer, KeyPair subject, Extension... extra) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=issuer"), BigInteger.TEN,
                    new Date(0), new Date(1_000_000_000_000L), new X500Name(""), subject.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            for (Extension e : extra) {
                b.addExtension(e);
            }
            return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] finalCert() {
        try {
            KeyPair leaf = LEAF;
            X509CertificateHolder precert = cert(CA, leaf, new Extension(CtOids.POISON, true,
                    DERNull.INSTANCE.getEncoded()));
            SignedEntry entry = Precertificates.precertEntry(precert, ISSUER);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(LOG.getPrivate());
            s.update(entry.signatureInput(1234, new byte[0]));
            Sct sct = new Sct(LogId.of(LOG.getPublic()), 1234, new byte[0], new DigitallySigned(4, 3, s.sign()));
            original = sct;
            sctListTls = SctList.encodeTls(List.of(sct));
            return cert(CA, leaf, SctList.toExtension(List.of(sct))).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> hostileCertificates() {
        return Hostile.mutations(List.of(FINAL));
    }

    /** A well-formed certificate, signed by the CA, whose embedded SCT list (TLS bytes or extension DER) is mutated. */
    @Provide
    Arbitrary<X509CertificateHolder> certificatesWithHostileScts() {
        Arbitrary<byte[]> tls = Hostile.mutations(List.of(sctListTls)).map(t -> {
            try {
                return new org.bouncycastle.asn1.DEROctetString(t).getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Arbitrary<byte[]> der = Hostile.mutations(List.of(extensionValue()));
        return net.jqwik.api.Arbitraries.oneOf(tls, der).map(v ->
                cert(CA, LEAF, new Extension(CtOids.SCT_LIST, false, v)));
    }

    private static byte[] extensionValue() {
        try {
            return new org.bouncycastle.asn1.DEROctetString(sctListTls).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 400)
    void verifyEmbedded_hostileSctList_sctVerificationException(
            @ForAll("certificatesWithHostileScts") X509CertificateHolder cert) throws Exception {
        Object verified = Hostile.refusesCleanly("verify",
                () -> SctVerifier.verifyEmbedded(cert, ISSUER, LOG.getPublic()), SctVerificationException.class);
        if (verified != null) {
            // the oracle: only the SCT the log signed may verify, byte for byte
            assertArrayEquals(original.encode(), ((Sct) verified).encode(), "a changed SCT verified");
            assertTrue(containsOriginal(cert), "verified, but the list holds no byte-identical original SCT");
        }
    }

    /** Whether the certificate's SCT list (as the verifier reads it) holds an SCT byte-identical to the original. */
    private static boolean containsOriginal(X509CertificateHolder cert) throws MalformedCtDataException {
        Extension e = cert.getExtension(CtOids.SCT_LIST);
        for (Sct s : SctList.parseExtensionValue(e.getExtnValue().getOctets())) {
            if (Arrays.equals(s.encode(), original.encode())) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 300)
    void verifyEmbedded_mutatedCertificate_sctVerificationException(@ForAll("hostileCertificates") byte[] der) {
        X509CertificateHolder cert;
        try {
            cert = new X509CertificateHolder(der);
        } catch (IOException | RuntimeException e) {
            net.jqwik.api.statistics.Statistics.label("verify").collect("not a certificate");
            return;
        }
        Hostile.refusesCleanly("verify", () -> SctVerifier.verifyEmbedded(cert, ISSUER, LOG.getPublic()),
                SctVerificationException.class);
    }
}
