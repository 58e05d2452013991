package dev.sigstack.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sigstack.core.ct.DigitallySigned;
import dev.sigstack.core.ct.LogId;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctList;
import dev.sigstack.core.ct.CtOids;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The SCT threshold counts CT log keys, not log IDs. An SCT's signature does not cover its log ID, so a trusted root
 * that lists one log key under two IDs would let one SCT, copied under the other ID by whoever builds the certificate
 * (a compromised CA), meet a threshold of two.
 */
class SctThresholdTest {

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509CertificateHolder cert(KeyPair issuer, KeyPair subject, Extension extra) throws Exception {
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=issuer"), BigInteger.TEN, new Date(0),
                new Date(4_102_444_800_000L), new X500Name(issuer == subject ? "CN=issuer" : ""), subject.getPublic());
        if (extra != null) {
            b.addExtension(extra);
        }
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate()));
    }

    private static TransparencyLogInstance log(KeyPair key, byte[] logId) {
        return TransparencyLogInstance.newBuilder().setBaseUrl("https://ct.example/" + logId[0])
                .setLogId(dev.sigstore.proto.common.v1.LogId.newBuilder().setKeyId(ByteString.copyFrom(logId)))
                .setPublicKey(dev.sigstore.proto.common.v1.PublicKey.newBuilder()
                        .setRawBytes(ByteString.copyFrom(key.getPublic().getEncoded()))
                        .setValidFor(TimeRange.newBuilder().setStart(Timestamp.newBuilder().setSeconds(1))))
                .build();
    }

    /** SCTs by each log key over the precertificate, each listed under each of {@code ids} (same signature). */
    private static int verified(List<KeyPair> logs, List<TransparencyLogInstance> trusted, List<byte[]> aliasIds)
            throws Exception {
        KeyPair ca = ec();
        KeyPair leaf = ec();
        X509CertificateHolder issuer = cert(ca, ca, null);
        X509CertificateHolder pre = cert(ca, leaf, new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
        long ts = 1_700_000_000_000L;
        List<Sct> scts = new ArrayList<>();
        for (KeyPair log : logs) {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(log.getPrivate());
            s.update(Precertificates.precertEntry(pre, issuer).signatureInput(ts, new byte[0]));
            DigitallySigned sig = new DigitallySigned(4, 3, s.sign());
            scts.add(new Sct(LogId.of(log.getPublic()), ts, new byte[0], sig));
            for (byte[] alias : aliasIds) {
                scts.add(new Sct(alias, ts, new byte[0], sig));
            }
        }
        X509CertificateHolder fin = cert(ca, leaf, SctList.toExtension(scts));
        return BundleVerifier.verifiedSctKeys(fin, issuer, scts, trusted, new ArrayList<>());
    }

    @Test
    void oneLogKeyUnderTwoLogIds_countsOnce() throws Exception {
        KeyPair log = ec();
        byte[] alias = new byte[32];
        alias[0] = 7;
        List<TransparencyLogInstance> trusted = List.of(log(log, LogId.of(log.getPublic())), log(log, alias));
        assertEquals(1, verified(List.of(log), trusted, List.of(alias)));
    }

    @Test
    void twoLogKeys_countTwice() throws Exception {
        KeyPair a = ec();
        KeyPair b = ec();
        List<TransparencyLogInstance> trusted = List.of(log(a, LogId.of(a.getPublic())), log(b, LogId.of(b.getPublic())));
        assertEquals(2, verified(List.of(a, b), trusted, List.of()));
    }
}
