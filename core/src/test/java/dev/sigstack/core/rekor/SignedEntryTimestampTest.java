package dev.sigstack.core.rekor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SignatureException;
import org.junit.jupiter.api.Test;

final class SignedEntryTimestampTest {

    @Test
    void payload_isCanonicalJsonOfFourFields() {
        byte[] p = SignedEntryTimestamp.payload("{}".getBytes(StandardCharsets.UTF_8), 1700000000L, new byte[] {1, (byte) 0xab}, 42);
        assertEquals("{\"body\":\"e30=\",\"integratedTime\":1700000000,\"logID\":\"01ab\",\"logIndex\":42}",
                new String(p, StandardCharsets.UTF_8));
    }

    @Test
    void sign_thenVerify_succeeds() {
        KeyPair kp = TestKeys.p256();
        byte[] logId = SignedEntryTimestamp.logId(kp.getPublic());
        byte[] set = SignedEntryTimestamp.sign(kp.getPrivate(), new byte[] {1}, 5, logId, 7);
        assertDoesNotThrow(() -> SignedEntryTimestamp.verify(kp.getPublic(), set, new byte[] {1}, 5, logId, 7));
    }

    @Test
    void verify_otherIndex_throws() {
        KeyPair kp = TestKeys.p256();
        byte[] logId = SignedEntryTimestamp.logId(kp.getPublic());
        byte[] set = SignedEntryTimestamp.sign(kp.getPrivate(), new byte[] {1}, 5, logId, 7);
        assertThrows(SignatureException.class, () -> SignedEntryTimestamp.verify(kp.getPublic(), set, new byte[] {1}, 5, logId, 8));
    }

    @Test
    void logId_isSha256OfDerKey() {
        KeyPair kp = TestKeys.p256();
        assertEquals(java.util.HexFormat.of().formatHex(TestKeys.sha256(kp.getPublic().getEncoded())),
                java.util.HexFormat.of().formatHex(SignedEntryTimestamp.logId(kp.getPublic())));
    }
}
