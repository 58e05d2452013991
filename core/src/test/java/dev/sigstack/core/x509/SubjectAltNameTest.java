package dev.sigstack.core.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SubjectAltNameTest {

    static Stream<SubjectAltName> names() {
        return Stream.of(SubjectAltName.email("a@example.com"),
            SubjectAltName.uri("https://github.com/o/r/.github/workflows/w.yml@refs/heads/main"),
            SubjectAltName.otherName("alice!example.com"));
    }

    @ParameterizedTest
    @MethodSource("names")
    void parse_eachKind_roundTripsAsCriticalExtension(SubjectAltName san) throws Exception {
        Extension e = san.toExtension();
        assertTrue(e.isCritical());
        assertEquals(san, SubjectAltName.parse(new Extensions(e)));
    }

    @Test
    void parse_twoNames_throws() throws Exception {
        GeneralNames two = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.rfc822Name, "a@example.com"), new GeneralName(GeneralName.rfc822Name, "b@example.com")});
        Extension e = new Extension(Extension.subjectAlternativeName, true, two.getEncoded());
        assertThrows(InvalidFulcioExtensionException.class, () -> SubjectAltName.parse(new Extensions(e)));
    }

    @Test
    void new_emptyValue_throws() {
        assertThrows(IllegalArgumentException.class, () -> SubjectAltName.email(""));
    }
}
