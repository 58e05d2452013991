package dev.sigstack.core.rekor;

import dev.sigstack.core.testing.Hostile;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated hostile Rekor proposals: {@link ProposedEntries#canonicalize(byte[])} canonicalizes or throws a
 * {@link ProposedEntryException} (which the handlers map to 400/422), for structural JSON mutations of valid
 * hashedrekord, dsse and intoto bodies (including base64 values with their decoded bytes changed), byte mutations,
 * and arbitrary bytes.
 */
class ProposedEntriesPropertiesTest {
    private static final List<byte[]> SAMPLES = samples();

    static String intoto(KeyPair kp) {
        byte[] payload = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\"ab\"}}]}"
                .getBytes(StandardCharsets.UTF_8);
        return ProposedEntriesTest.intoto(kp, payload).toString();
    }

    private static List<byte[]> samples() {
        KeyPair p256 = TestKeys.p256();
        KeyPair ed = TestKeys.ed25519();
        byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":"
                + "{\"sha256\":\"" + "ab".repeat(32) + "\"}}],\"predicateType\":\"x\",\"predicate\":{}}")
                .getBytes(StandardCharsets.UTF_8);
        return List.of(
                ProposedEntriesTest.validHashedRekord(p256).getBytes(StandardCharsets.UTF_8),
                ProposedEntriesTest.validHashedRekord(TestKeys.rsa(2048)).getBytes(StandardCharsets.UTF_8),
                ProposedEntriesTest.hashedRekord("sha256", "ab".repeat(32), TestKeys.sign(p256, new byte[1]),
                        TestKeys.pem(TestKeys.certificate(p256, "a@example.com"))).getBytes(StandardCharsets.UTF_8),
                ProposedEntriesTest.dsse(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, p256, p256)
                        .getBytes(StandardCharsets.UTF_8),
                ProposedEntriesTest.dsse("text/plain", new byte[] {1, 2}, ed, ed).getBytes(StandardCharsets.UTF_8),
                intoto(p256).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> hostileBodies() {
        return Arbitraries.oneOf(Hostile.jsonMutations(SAMPLES), Hostile.jsonMutations(SAMPLES),
                Hostile.jsonMutations(SAMPLES), Hostile.mutations(SAMPLES));
    }

    @Property(tries = 800)
    void canonicalize_mutatedProposal_canonicalOrProposedEntryException(@ForAll("hostileBodies") byte[] body) {
        Hostile.refusesCleanly("canonicalize", () -> ProposedEntries.canonicalize(body), ProposedEntryException.class);
    }

    @Property(tries = 200)
    void canonicalize_arbitraryBytes_proposedEntryException(@ForAll byte[] body) {
        Hostile.refusesCleanly(() -> ProposedEntries.canonicalize(body), ProposedEntryException.class);
    }
}
