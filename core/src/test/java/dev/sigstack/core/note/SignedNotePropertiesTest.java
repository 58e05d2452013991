package dev.sigstack.core.note;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.core.testing.Hostile;
import java.security.KeyPair;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated hostile signed notes and checkpoints: {@link SignedNote#parse}, {@link Checkpoint#parse} and
 * {@link NoteKeys#verifier} throw their documented exceptions, and verification of whatever parses throws
 * {@link NoteVerificationException} or passes, never anything else; a note that passes carries exactly the text of
 * one of the signed samples (a mutation of the signed text that still verifies fails the property).
 */
class SignedNotePropertiesTest {
    static final String VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
    private static final String GOOD = "example.com/log/testdata\n3\nWqx3HImawpLnS/Gv4ubjAvi1WIOy0b8Ze0amvqbavKk=\n\n"
            + "\u2014 example.com/log/testdata M9e0lvAQRtH832pk2RTbeSeZMkp4FZSdJYFBUjO5SKxuRbywPUF3cx+HUrb50kjd3rUWW/fj53Wj1dwcwh9bGQnqVAg=\n";
    private static final KeyPair EC = TestKeys.p256();
    private static final List<String> NOTES = notes();
    /** The signed texts of the samples: the only texts a verifying note may carry. */
    private static final List<String> TEXTS = texts();

    private static List<String> texts() {
        try {
            List<String> out = new java.util.ArrayList<>();
            for (String note : NOTES) {
                out.add(SignedNote.parse(note).text());
            }
            return List.copyOf(out);
        } catch (NoteFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> notes() {
        try {
            NoteSigner ecdsa = NoteKeys.ecdsaSigner("log.example", EC.getPrivate(), EC.getPublic());
            NoteSigner ed = NoteKeys.ed25519Signer("log.example", new byte[32]);
            String text = new Checkpoint("log.example", 1234567, new byte[32], List.of("ext line")).text();
            return List.of(GOOD, SignedNote.sign(text, List.of(ecdsa, ed)).marshal(),
                    SignedNote.sign(new Checkpoint("log.example", 0, new byte[32]).text(), List.of(ecdsa)).marshal());
        } catch (NoteFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String> hostileNotes() {
        return Hostile.textMutations(NOTES);
    }

    @Property(tries = 600)
    void parse_mutatedNote_noteFormatExceptionOrVerifiable(@ForAll("hostileNotes") String note) {
        Object parsed = Hostile.refusesCleanly(() -> SignedNote.parse(note), NoteFormatException.class);
        if (parsed instanceof SignedNote n) {
            Object ed = Hostile.refusesCleanly("ed25519", () -> {
                n.verify(NoteKeys.verifier(VKEY));
                return Boolean.TRUE;
            }, NoteVerificationException.class);
            Object ecdsa = Hostile.refusesCleanly("ecdsa", () -> {
                n.verify(NoteKeys.ecdsaVerifier("log.example", EC.getPublic()));
                return Boolean.TRUE;
            }, NoteVerificationException.class);
            if (ed != null || ecdsa != null) {
                // the oracle: a signature only vouches for the text it was made over
                assertTrue(TEXTS.contains(n.text()), "a note with changed text verified: " + n.text());
            }
            Hostile.refusesCleanly(() -> Checkpoint.parse(n.text()), NoteFormatException.class);
        }
    }

    @Property(tries = 400)
    void checkpointParse_mutatedText_noteFormatException(@ForAll("hostileNotes") String note) {
        int split = note.lastIndexOf("\n\n");
        String text = split < 0 ? note : note.substring(0, split + 1);
        Hostile.refusesCleanly(() -> Checkpoint.parse(text), NoteFormatException.class);
    }

    @Property(tries = 300)
    void verifier_mutatedKey_illegalArgument(@ForAll("hostileKeys") String vkey) {
        Hostile.refusesCleanly(() -> NoteKeys.verifier(vkey), IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<String> hostileKeys() {
        return Arbitraries.oneOf(Hostile.textMutations(List.of(VKEY)), Arbitraries.strings());
    }

    @Property(tries = 200)
    void parse_arbitraryText_noteFormatException(@ForAll String note) {
        Hostile.refusesCleanly(() -> SignedNote.parse(note), NoteFormatException.class);
        Hostile.refusesCleanly(() -> Checkpoint.parse(note), NoteFormatException.class);
    }
}
