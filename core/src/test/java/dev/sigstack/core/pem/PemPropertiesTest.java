package dev.sigstack.core.pem;

import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.core.testing.Hostile;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated hostile PEM: every reader either returns or throws {@link IllegalArgumentException} with a message, for
 * mutated text and for valid armour around mutated DER (which reaches the certificate and key parsers).
 */
class PemPropertiesTest {
    private static final List<String> SAMPLES = samples();

    private static List<String> samples() {
        List<String> out = new ArrayList<>();
        KeyPair ec = TestKeys.p256();
        KeyPair ed = TestKeys.ed25519();
        KeyPair rsa = TestKeys.rsa(2048);
        out.add(new String(TestKeys.pem(TestKeys.certificate(ec, "a@example.com")), StandardCharsets.US_ASCII));
        out.add(new String(TestKeys.pem(ec), StandardCharsets.US_ASCII));
        out.add(new String(TestKeys.pem(ed), StandardCharsets.US_ASCII));
        out.add(Pem.ecPrivateKey(ec));
        out.add(Pem.encode("PRIVATE KEY", ec.getPrivate().getEncoded()));
        out.add(Pem.encode("PRIVATE KEY", ed.getPrivate().getEncoded()));
        out.add(Pem.encode("PRIVATE KEY", rsa.getPrivate().getEncoded()));
        return List.copyOf(out);
    }

    /** Valid armour around a mutated body: the label kept, the DER changed. */
    static String mutateDer(String pem, List<Hostile.Op> ops) {
        String[] lines = pem.split("\n");
        String label = lines[0].substring("-----BEGIN ".length(), lines[0].length() - 5);
        StringBuilder body = new StringBuilder();
        for (int i = 1; i < lines.length - 1; i++) {
            body.append(lines[i].strip());
        }
        return Pem.encode(label, Hostile.mutate(Base64.getDecoder().decode(body.toString()), ops));
    }

    @Provide
    Arbitrary<String> hostilePem() {
        Arbitrary<String> der = Combinators.combine(Arbitraries.of(SAMPLES), Hostile.ops(7, 3))
                .as(PemPropertiesTest::mutateDer);
        return Arbitraries.oneOf(der, Hostile.textMutations(SAMPLES));
    }

    @Property(tries = 400)
    void readers_mutatedPem_returnOrIllegalArgument(@ForAll("hostilePem") String pem) {
        Hostile.refusesCleanly(() -> Pem.readCertificates(pem), IllegalArgumentException.class);
        Hostile.refusesCleanly(() -> Pem.readPublicKey(pem), IllegalArgumentException.class);
        Hostile.refusesCleanly(() -> Pem.readKeyPair(pem, "secret".toCharArray()), IllegalArgumentException.class);
        Hostile.refusesCleanly(() -> Pem.isEncrypted(pem), IllegalArgumentException.class);
    }

    @Property(tries = 200)
    void readers_arbitraryText_returnOrIllegalArgument(@ForAll String text) {
        Hostile.refusesCleanly(() -> Pem.readCertificates(text), IllegalArgumentException.class);
        Hostile.refusesCleanly(() -> Pem.readPublicKey(text), IllegalArgumentException.class);
        Hostile.refusesCleanly(() -> Pem.readKeyPair(text, null), IllegalArgumentException.class);
    }
}
