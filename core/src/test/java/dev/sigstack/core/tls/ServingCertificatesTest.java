package dev.sigstack.core.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ServingCertificatesTest {
    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static List<String> sans(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().map(n -> n.get(0) + ":" + n.get(1)).toList();
    }

    @Test
    void selfSigned_loopback_namesLocalhostAndTheLoopbackAddressOnly() throws Exception {
        KeyPair kp = ec();
        X509Certificate c = ServingCertificates.selfSigned(kp, "gate", "127.0.0.1", Duration.ofDays(1));
        assertEquals(List.of("2:localhost", "7:127.0.0.1"), sans(c));
        assertDoesNotThrow(() -> c.verify(kp.getPublic()));
        assertEquals("CN=gate", c.getSubjectX500Principal().getName());
        c.checkValidity(Date.from(Instant.now().plus(Duration.ofHours(23))));
    }

    @Test
    void selfSigned_otherHost_addsItAsDnsNameOrIpAddress() throws Exception {
        KeyPair kp = ec();
        assertTrue(sans(ServingCertificates.selfSigned(kp, "g", "gate.acme.internal", Duration.ofDays(1)))
                .contains("2:gate.acme.internal"));
        assertTrue(sans(ServingCertificates.selfSigned(kp, "g", "10.1.2.3", Duration.ofDays(1))).contains("7:10.1.2.3"));
        assertEquals(2, sans(ServingCertificates.selfSigned(kp, "g", "0.0.0.0", Duration.ofDays(1))).size());
    }
}
