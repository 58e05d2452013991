package dev.sigstack.core.ecdsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcdsaTest {
    private static final byte[] DATA = "the precertificate's TBS".getBytes(StandardCharsets.UTF_8);

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    private static byte[] jdkSign(String alg, PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    @ParameterizedTest
    @CsvSource({
        "secp256r1, SHA256withECDSA", "secp256r1, SHA384withECDSA", "secp256r1, SHA512withECDSA",
        "secp384r1, SHA384withECDSA", "secp384r1, SHA256withECDSA", "secp521r1, SHA512withECDSA",
    })
    void sign_jdkVerifies_andVerifierAcceptsJdkSignatures(String curve, String alg) throws Exception {
        KeyPair kp = ec(curve);
        byte[] sig = Ecdsa.Signer.of(kp.getPrivate()).orElseThrow().sign(alg, DATA);
        Signature v = Signature.getInstance(alg);
        v.initVerify(kp.getPublic());
        v.update(DATA);
        assertTrue(v.verify(sig), "the JDK accepts our signature");
        Ecdsa.Verifier verifier = Ecdsa.Verifier.of(kp.getPublic()).orElseThrow();
        verifier.verify(alg, DATA, jdkSign(alg, kp.getPrivate(), DATA));
        verifier.verify(alg, DATA, sig);
    }

    /** RFC 6979 A.2.5: P-256, SHA-256, message "sample". */
    @Test
    void sign_rfc6979Vector_matchesExactly() throws Exception {
        BigInteger x = new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);
        ECPrivateKey template = (ECPrivateKey) ec("secp256r1").getPrivate();
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(x, template.getParams()));
        byte[] sig = Ecdsa.Signer.of(key).orElseThrow().sign("SHA256withECDSA", "sample".getBytes(StandardCharsets.US_ASCII));
        ASN1Sequence seq = ASN1Sequence.getInstance(sig);
        assertEquals(new BigInteger("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", 16),
            ASN1Integer.getInstance(seq.getObjectAt(0)).getValue());
        assertEquals(new BigInteger("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", 16),
            ASN1Integer.getInstance(seq.getObjectAt(1)).getValue());
    }

    @Test
    void verify_tamperedDataOrSignature_throws() throws Exception {
        KeyPair kp = ec("secp256r1");
        Ecdsa.Verifier v = Ecdsa.Verifier.of(kp.getPublic()).orElseThrow();
        byte[] sig = jdkSign("SHA256withECDSA", kp.getPrivate(), DATA);
        byte[] data = DATA.clone();
        data[0] ^= 1;
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", data, sig));
        byte[] bad = sig.clone();
        bad[bad.length - 1] ^= 1;
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, bad));
        assertThrows(SignatureException.class, () -> v.verify("SHA384withECDSA", DATA, sig), "hash is part of the check");
    }

    @Test
    void verify_otherKeysSignature_throws() throws Exception {
        KeyPair kp = ec("secp256r1");
        byte[] sig = jdkSign("SHA256withECDSA", ec("secp256r1").getPrivate(), DATA);
        assertThrows(SignatureException.class,
            () -> Ecdsa.Verifier.of(kp.getPublic()).orElseThrow().verify("SHA256withECDSA", DATA, sig));
    }

    @Test
    void verify_nonDerOrHostileEncodings_throw() throws Exception {
        KeyPair kp = ec("secp256r1");
        Ecdsa.Verifier v = Ecdsa.Verifier.of(kp.getPublic()).orElseThrow();
        byte[] sig = jdkSign("SHA256withECDSA", kp.getPrivate(), DATA);
        byte[] trailing = Arrays.copyOf(sig, sig.length + 1);
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, trailing), "trailing byte");
        // BER long-form length for the outer SEQUENCE: the same value, not DER.
        byte[] longForm = new byte[sig.length + 1];
        longForm[0] = 0x30;
        longForm[1] = (byte) 0x81;
        longForm[2] = sig[1];
        System.arraycopy(sig, 2, longForm, 3, sig.length - 2);
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, longForm), "BER length");
        byte[] zeroes = HexFormat.of().parseHex("3006020100020100");
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, zeroes), "r = s = 0");
        byte[] negative = HexFormat.of().parseHex("30060201ff0201ff");
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, negative), "negative r, s");
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, new byte[0]), "empty");
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, new byte[300]), "oversized");
        assertThrows(SignatureException.class, () -> v.verify("SHA256withECDSA", DATA, "not a signature".getBytes()), "garbage");
        assertThrows(NoSuchAlgorithmException.class, () -> v.verify("SHA1withECDSA", DATA, sig), "SHA-1");
    }

    @Test
    void of_keysItDoesNotHandle_empty() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair r = rsa.generateKeyPair();
        assertTrue(Ecdsa.Verifier.of(r.getPublic()).isEmpty());
        assertTrue(Ecdsa.Signer.of(r.getPrivate()).isEmpty());
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertTrue(Ecdsa.Verifier.of(ed.getPublic()).isEmpty());
        assertTrue(Ecdsa.Signer.of(ed.getPrivate()).isEmpty());
        assertTrue(Ecdsa.Verifier.of(null).isEmpty());
    }

    @Test
    void signer_toString_hidesTheKey() throws Exception {
        ECPrivateKey key = (ECPrivateKey) ec("secp256r1").getPrivate();
        String s = Ecdsa.Signer.of(key).orElseThrow().toString();
        assertTrue(!s.contains(key.getS().toString(16)) && !s.contains(key.getS().toString()), s);
    }

    @Test
    void verifier_reusedAcrossThreads_staysCorrect() throws Exception {
        KeyPair kp = ec("secp256r1");
        Ecdsa.Verifier v = Ecdsa.Verifier.of(kp.getPublic()).orElseThrow();
        Ecdsa.Signer s = Ecdsa.Signer.of(kp.getPrivate()).orElseThrow();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    byte[] d = ("message " + id + "/" + i).getBytes(StandardCharsets.UTF_8);
                    try {
                        v.verify("SHA256withECDSA", d, s.sign("SHA256withECDSA", d));
                        ok.incrementAndGet();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(200, ok.get());
        assertArrayEquals(s.sign("SHA256withECDSA", DATA), s.sign("SHA256withECDSA", DATA), "RFC 6979: deterministic");
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, SHA-256", "secp384r1, SHA-384", "secp256r1, SHA-512"})
    void verifyDigest_agreesWithJdkNoneWithEcdsa(String curve, String hash) throws Exception {
        KeyPair kp = ec(curve);
        byte[] digest = java.security.MessageDigest.getInstance(hash).digest(DATA);
        Signature s = Signature.getInstance("NONEwithECDSA");
        s.initSign(kp.getPrivate());
        s.update(digest);
        byte[] sig = s.sign();
        Ecdsa.Verifier v = Ecdsa.Verifier.of(kp.getPublic()).orElseThrow();
        assertTrue(v.verifyDigest(digest, sig));
        byte[] other = digest.clone();
        other[0] ^= 1;
        assertEquals(false, v.verifyDigest(other, sig));
        assertEquals(false, Ecdsa.Verifier.of(ec(curve).getPublic()).orElseThrow().verifyDigest(digest, sig));
        byte[] longer = Arrays.copyOf(sig, sig.length + 1); // trailing garbage: not strict DER
        assertThrows(SignatureException.class, () -> v.verifyDigest(digest, longer));
    }
}
