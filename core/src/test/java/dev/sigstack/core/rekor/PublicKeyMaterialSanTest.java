package dev.sigstack.core.rekor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.sigstack.core.x509.ForeignSanTest;

/**
 * The Rekor index reads SANs strictly: a name whose IA5 bytes are not printable ASCII is left out, never indexed
 * under its Latin-1 reading (where a search for that string would find an identity the certificate does not hold).
 */
class PublicKeyMaterialSanTest {

    @Test
    void subjectAlternativeNames_nonIa5EmailLeftOut_asciiKept() throws Exception {
        byte[] bad = ForeignSanTest.tlv(0x81, ForeignSanTest.EMAIL_UTF8_IN_IA5);
        byte[] good = ForeignSanTest.tlv(0x81, "bob@corp.com".getBytes(StandardCharsets.US_ASCII));
        byte[] both = new byte[bad.length + good.length];
        System.arraycopy(bad, 0, both, 0, bad.length);
        System.arraycopy(good, 0, both, bad.length, good.length);
        var cert = ForeignSanTest.foreignCert(ForeignSanTest.tlv(0x30, both), ForeignSanTest.utf8Ext("https://issuer.example"));
        PublicKeyMaterial m = PublicKeyMaterial.fromCertificateDer(cert.getEncoded());
        assertEquals(List.of("bob@corp.com"), m.subjectAlternativeNames());
        assertEquals(List.of("bob@corp.com"), m.emailAddresses());
    }
}
