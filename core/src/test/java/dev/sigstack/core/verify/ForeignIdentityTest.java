package dev.sigstack.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

import org.junit.jupiter.api.Test;

import dev.sigstack.core.x509.ForeignSanTest;

/**
 * The core verifier's identity check on certificates made by another CA whose SAN bytes are not printable IA5:
 * refused whatever the policy, so no policy can be satisfied by a Latin-1 reading of the bytes.
 */
class ForeignIdentityTest {

    private static X509Certificate cert(byte[] emailBytes) throws Exception {
        return ForeignSanTest.foreignCert(ForeignSanTest.tlv(0x30, ForeignSanTest.tlv(0x81, emailBytes)),
            ForeignSanTest.utf8Ext("https://issuer.example"));
    }

    @Test
    void checkIdentity_utf8BytesInIa5San_refusedEvenForLatin1ReadingOrMatchAll() throws Exception {
        X509Certificate leaf = cert(ForeignSanTest.EMAIL_UTF8_IN_IA5);
        String latin1 = new String(ForeignSanTest.EMAIL_UTF8_IN_IA5, StandardCharsets.ISO_8859_1);
        var exact = new VerificationPolicy.Identity(VerificationPolicy.Matcher.exact(latin1),
            VerificationPolicy.Matcher.exact("https://issuer.example"));
        var any = new VerificationPolicy.Identity(VerificationPolicy.Matcher.regexp(".*"), VerificationPolicy.Matcher.regexp(".*"));
        var truncated = new VerificationPolicy.Identity(VerificationPolicy.Matcher.exact("alice@corp.com"),
            VerificationPolicy.Matcher.exact("https://issuer.example"));
        for (var policy : new VerificationPolicy.Identity[] {exact, any, truncated}) {
            var e = assertThrows(BundleVerificationException.IdentityMismatch.class, () -> BundleVerifier.checkIdentity(leaf, policy));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("not printable IA5"), e.getMessage());
        }
    }

    @Test
    void checkIdentity_printableIa5San_matchesExactly() throws Exception {
        X509Certificate leaf = cert("alice@corp.com".getBytes(StandardCharsets.US_ASCII));
        var policy = new VerificationPolicy.Identity(VerificationPolicy.Matcher.exact("alice@corp.com"),
            VerificationPolicy.Matcher.exact("https://issuer.example"));
        assertEquals("alice@corp.com", BundleVerifier.checkIdentity(leaf, policy).san().value());
    }
}
