package dev.sigstack.core.note;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SignedNoteTest {
    private static final String VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

    @Test
    void verify_ecdsaSignedCheckpoint_roundTrips() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        NoteSigner signer = NoteKeys.ecdsaSigner("log.example", kp.getPrivate(), kp.getPublic());
        String text = new Checkpoint("log.example", 5, new byte[32]).text();
        String note = SignedNote.sign(text, List.of(signer)).marshal();
        SignedNote parsed = SignedNote.parse(note);
        assertEquals(5, Checkpoint.parse(parsed.text()).size());
        assertDoesNotThrow(() -> parsed.verify(NoteKeys.ecdsaVerifier("log.example", kp.getPublic())));
        KeyPair other = g.generateKeyPair();
        assertThrows(NoteVerificationException.class,
                () -> parsed.verify(NoteKeys.ecdsaVerifier("log.example", other.getPublic())));
    }

    @Test
    void verify_tamperedText_throws() throws Exception {
        String good = "example.com/log/testdata\n3\nWqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=\n\n"
                + "\u2014 example.com/log/testdata M9e0lvAQRtH832pk2RTbeSeZMkp4FZSdJYFBUjO5SKxuRbywPUF3cx+HUrb50kjd3rUWW/fj53Wj1dwcwh9bGQnqVAg=\n";
        assertDoesNotThrow(() -> SignedNote.parse(good).verify(NoteKeys.verifier(VKEY)));
        SignedNote tampered = SignedNote.parse(good.replace("\n3\n", "\n4\n"));
        assertThrows(NoteVerificationException.class, () -> tampered.verify(NoteKeys.verifier(VKEY)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no blank line\n", "text\n\n", "text\n\nno dash line\n", "text\n\n\u2014 name\n",
        "text\n\n\u2014 name !!!notbase64\n", "text\n\n\u2014 name AAAA\n", "te\u0001xt\n\n\u2014 n AAAAAAAA\n",
        "text\n\n\u2014 na+me AAAAAAAA\n"})
    void parse_malformed_throws(String note) {
        assertThrows(NoteFormatException.class, () -> SignedNote.parse(note));
    }

    @ParameterizedTest
    @ValueSource(strings = {"o\n", "o\n1\n", "o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "o\n1\nAAAA\n", "o\n1\n%%%\n",
        "o\n99999999999999999999\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"})
    void checkpointParse_malformed_throws(String text) {
        assertThrows(NoteFormatException.class, () -> Checkpoint.parse(text));
    }

    @Test
    void cosignature_verifiesOverTimestampedMessage() throws Exception {
        byte[] seed = new byte[32];
        seed[0] = 7;
        NoteVerifier v = NoteKeys.verifier(Cosignatures.verifierKey("witness.example", seed));
        String text = new Checkpoint("log.example", 1, new byte[32]).text();
        NoteSignature cosig = Cosignatures.cosign("witness.example", seed, 1_700_000_000L, text);
        assertEquals(v.keyHash(), cosig.keyHash());
        assertEquals(true, v.verify(text.getBytes(StandardCharsets.UTF_8), cosig.signature()));
        byte[] tampered = cosig.signature();
        tampered[0] ^= 1; // the timestamp is signed too
        assertEquals(false, v.verify(text.getBytes(StandardCharsets.UTF_8), tampered));
    }
}
