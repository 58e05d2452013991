package dev.sigstack.core.ct;

import dev.sigstack.core.testing.Hostile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated hostile SCT lists: {@link SctList#parseTls}, {@link SctList#parseExtensionValue} and {@link Sct#parse}
 * return or throw {@link MalformedCtDataException}, never an index or length error from the TLS reader.
 */
class SctListPropertiesTest {
    private static final List<byte[]> TLS = tls();
    private static final List<byte[]> EXTENSION = TLS.stream().map(SctListPropertiesTest::extensionValue).toList();

    private static List<byte[]> tls() {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) 0xab);
        Sct a = new Sct(id, 0x0102030405060708L, new byte[0], new DigitallySigned(4, 3, new byte[] {1, 2, 3}));
        Sct b = new Sct(id, 1L, new byte[] {9, 9}, new DigitallySigned(4, 3, new byte[72]));
        return List.of(SctList.encodeTls(List.of(a)), SctList.encodeTls(List.of(a, b)));
    }

    private static byte[] extensionValue(byte[] tls) {
        try {
            return new org.bouncycastle.asn1.DEROctetString(tls).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> hostileTls() {
        return Arbitraries.oneOf(Hostile.mutations(TLS), Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    }

    @Provide
    Arbitrary<byte[]> hostileExtension() {
        return Hostile.mutations(EXTENSION);
    }

    @Property(tries = 600)
    void parseTls_mutatedList_malformedCtData(@ForAll("hostileTls") byte[] tls) {
        Hostile.refusesCleanly(() -> SctList.parseTls(tls), MalformedCtDataException.class);
        Hostile.refusesCleanly(() -> Sct.parse(tls), MalformedCtDataException.class);
    }

    @Property(tries = 400)
    void parseExtensionValue_mutatedDer_malformedCtData(@ForAll("hostileExtension") byte[] value) {
        Hostile.refusesCleanly(() -> SctList.parseExtensionValue(value), MalformedCtDataException.class);
    }
}
