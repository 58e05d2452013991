package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sigstack.core.tuf.TufKey;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoleSpecTest {

  /** One key spelled twice (PEM and hex point: two key IDs) would count once in a client: refused as a 2-of-2. */
  @Test
  void sameKeyTwoSpellings_refused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    TufKey pem = TufKey.of(g.generateKeyPair().getPublic());
    byte[] spki = pem.publicKey().getEncoded();
    TufKey hex = new TufKey("ecdsa-sha2-nistp256", TufKey.SCHEME_ECDSA_P256,
        HexFormat.of().formatHex(Arrays.copyOfRange(spki, spki.length - 65, spki.length)));
    var e = assertThrows(IllegalArgumentException.class, () -> new RoleSpec(List.of(pem, hex), 2));
    assertEquals("the same key is listed twice", e.getMessage());
  }
}
