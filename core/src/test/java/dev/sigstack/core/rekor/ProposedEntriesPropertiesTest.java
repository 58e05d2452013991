package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.testing.Hostile;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<byte[]> SAMPLES = samples();

    static String intoto(KeyPair kp) {
        byte[] payload = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\"ab\"}}]}"
                .getBytes(StandardCharsets.UTF_8);
        String payloadB64 = Base64.getEncoder().encodeToString(payload);
        String sigB64 = Base64.getEncoder().encodeToString(TestKeys.sign(kp, Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload)));
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "0.0.2");
        o.put("kind", "intoto");
        ObjectNode content = o.putObject("spec").putObject("content");
        ObjectNode env = content.putObject("envelope");
        env.put("payloadType", Dsse.IN_TOTO_PAYLOAD_TYPE);
        env.put("payload", Base64.getEncoder().encodeToString(payloadB64.getBytes(StandardCharsets.UTF_8)));
        ObjectNode s = env.putArray("signatures").addObject();
        s.put("sig", Base64.getEncoder().encodeToString(sigB64.getBytes(StandardCharsets.UTF_8)));
        s.put("publicKey", Base64.getEncoder().encodeToString(TestKeys.pem(kp)));
        content.putObject("hash").put("algorithm", "sha256").put("value", "cd".repeat(32));
        return o.toString();
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
