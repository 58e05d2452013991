package dev.sigstack.ca.issuance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sigstack.core.pem.Pem;

class PublicKeysTest {
    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    @Test
    void parse_pemBase64AndVariants_sameKey() throws Exception {
        KeyPair k = ec("secp256r1");
        byte[] der = k.getPublic().getEncoded();
        String pem = Pem.encode("PUBLIC KEY", der);
        assertArrayEquals(der, PublicKeys.parse(pem).getEncoded(), "one block");
        assertArrayEquals(der, PublicKeys.parse(pem.replace("\n", "\r\n")).getEncoded(), "CRLF");
        assertArrayEquals(der, PublicKeys.parse("  \n" + pem + "\n\n").getEncoded(), "surrounding blank space");
        assertArrayEquals(der, PublicKeys.parse("comment before\n" + pem + "trailing text\n").getEncoded(), "text around the block");
        assertArrayEquals(der, PublicKeys.parse(Base64.getEncoder().encodeToString(der)).getEncoded(), "base64 DER");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END PUBLIC KEY-----",
        "not a key",
        " ",
    })
    void parse_malformed_clearError(String content) {
        InvalidKeyRequestException e = assertThrows(InvalidKeyRequestException.class, () -> PublicKeys.parse(content));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("The public key supplied in the request"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1", "secp521r1"})
    void verifyProofOfPossession_ecdsaByCurve_acceptsOwnRefusesOthers(String curve) throws Exception {
        KeyPair k = ec(curve);
        String alg = curve.equals("secp256r1") ? "SHA256withECDSA" : curve.equals("secp384r1") ? "SHA384withECDSA" : "SHA512withECDSA";
        Signature s = Signature.getInstance(alg);
        s.initSign(k.getPrivate());
        s.update("user@example.com".getBytes(StandardCharsets.UTF_8));
        byte[] pop = s.sign();
        PublicKeys.verifyProofOfPossession(k.getPublic(), pop, "user@example.com");
        assertThrows(InvalidKeyRequestException.class, () -> PublicKeys.verifyProofOfPossession(k.getPublic(), pop, "other@example.com"));
        assertThrows(InvalidKeyRequestException.class, () -> PublicKeys.verifyProofOfPossession(ec(curve).getPublic(), pop, "user@example.com"));
        assertThrows(InvalidKeyRequestException.class, () -> PublicKeys.verifyProofOfPossession(k.getPublic(), new byte[] {0x30, 0}, "user@example.com"));
        assertThrows(InvalidKeyRequestException.class, () -> PublicKeys.verifyProofOfPossession(k.getPublic(), new byte[0], "user@example.com"));
    }
}
