package dev.sigstack.tlog.ct;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.internal.Engines;

/**
 * Precertificates from an issuer the log has already checked go through the cached-verifier path: the same
 * verdicts as the first (JDK) check for every issuer key type, including forged and tampered submissions.
 */
class CtLogIssuerCacheTest {
    private static final String KEY =
        "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";

    private static KeyPair pair(String alg, String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (curve.isEmpty()) {
            g.initialize(2048);
        } else {
            g.initialize(new ECGenParameterSpec(curve));
        }
        return g.generateKeyPair();
    }

    private static X509Certificate cert(KeyPair issuer, String sigAlg, PublicKey subject, String dn, boolean ca, long serial,
                                        boolean poison) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=root"), BigInteger.valueOf(serial),
            new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 3_600_000), new X500Name(dn), subject);
        if (ca) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
        }
        if (poison) {
            b.addExtension(new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(issuer.getPrivate())));
    }

    @ParameterizedTest
    @CsvSource({
        "EC, secp256r1, SHA256withECDSA", "EC, secp384r1, SHA384withECDSA", "EC, secp521r1, SHA512withECDSA",
        "EC, secp256r1, SHA384withECDSA", "RSA, '', SHA256withRSA",
    })
    void addPreChain_issuerAlreadyChecked_sameVerdicts(String keyAlg, String curve, String sigAlg) throws Exception {
        KeyPair rootKey = pair(keyAlg, curve);
        X509Certificate root = cert(rootKey, sigAlg, rootKey.getPublic(), "CN=root", true, 1, false);
        KeyPair logKey = pair("EC", "secp256r1");
        try (Engines engines = Engines.open("jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4, "")) {
            CtLog log = new CtLog(engines.openLog("ct.test", NoteKeys.ed25519Signer(KEY)).engine(), logKey.getPrivate(),
                logKey.getPublic(), List.of(root), Clock.systemUTC());
            for (int i = 0; i < 3; i++) { // the first check parses and caches the issuer chain; the others use the cache
                X509Certificate pre = cert(rootKey, sigAlg, pair("EC", "secp256r1").getPublic(), "CN=leaf" + i, false, 10 + i, true);
                SctVerifier.verify(log.addPreChain(List.of(pre.getEncoded(), root.getEncoded())),
                    Precertificates.precertEntry(new X509CertificateHolder(pre.getEncoded()), new X509CertificateHolder(root.getEncoded())),
                    logKey.getPublic());
            }
            KeyPair other = pair(keyAlg, curve);
            X509Certificate forged = cert(other, sigAlg, pair("EC", "secp256r1").getPublic(), "CN=forged", false, 20, true);
            InvalidChainException e = assertThrows(InvalidChainException.class,
                () -> log.addPreChain(List.of(forged.getEncoded(), root.getEncoded())));
            assertTrue(e.getMessage().contains("not signed by the next"), e.getMessage());
            byte[] tampered = cert(rootKey, sigAlg, pair("EC", "secp256r1").getPublic(), "CN=tampered", false, 21, true).getEncoded();
            tampered[tampered.length - 3] ^= 0x01; // inside the signature value
            assertThrows(InvalidChainException.class, () -> log.addPreChain(List.of(tampered, root.getEncoded())));
            X509Certificate notPre = cert(rootKey, sigAlg, pair("EC", "secp256r1").getPublic(), "CN=plain", false, 22, false);
            assertThrows(InvalidChainException.class, () -> log.addPreChain(List.of(notPre.getEncoded(), root.getEncoded())));
            // a plain certificate through add-chain, also after the issuer is cached
            log.addChain(List.of(notPre.getEncoded(), root.getEncoded()));
        }
    }
}
