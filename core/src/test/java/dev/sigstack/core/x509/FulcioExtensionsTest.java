package dev.sigstack.core.x509;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FulcioExtensionsTest {

    @Test
    void toExtensions_issuer_rawV1AndDerV2() {
        List<Extension> exts = FulcioExtensions.builder("https://issuer.example").build().toExtensions();
        assertEquals(2, exts.size());
        assertEquals("1.3.6.1.4.1.57264.1.1", exts.get(0).getExtnId().getId());
        assertArrayEquals("https://issuer.example".getBytes(StandardCharsets.UTF_8), exts.get(0).getExtnValue().getOctets());
        assertEquals("1.3.6.1.4.1.57264.1.8", exts.get(1).getExtnId().getId());
        // DER UTF8String: tag 0x0c, length 22
        assertEquals("0c16", HexFormat.of().formatHex(exts.get(1).getExtnValue().getOctets(), 0, 2));
        exts.forEach(e -> assertFalse(e.isCritical()));
    }

    @ParameterizedTest
    @EnumSource(value = FulcioOid.class, names = {"ISSUER_V1", "ISSUER_V2", "OTHER_NAME"}, mode = EnumSource.Mode.EXCLUDE)
    void parse_eachExtension_roundTripsWithItsEncoding(FulcioOid oid) throws Exception {
        FulcioExtensions in = FulcioExtensions.builder("https://issuer.example").set(oid, "value-" + oid.number()).build();
        List<Extension> exts = in.toExtensions();
        Extension e = exts.stream().filter(x -> x.getExtnId().equals(oid.oid())).findFirst().orElseThrow();
        byte[] octets = e.getExtnValue().getOctets();
        if (oid.encoding() == FulcioOid.Encoding.RAW) {
            assertArrayEquals(("value-" + oid.number()).getBytes(StandardCharsets.UTF_8), octets);
        } else {
            assertEquals(0x0c, octets[0]);
        }
        FulcioExtensions out = FulcioExtensions.parse(new Extensions(exts.toArray(new Extension[0])));
        assertEquals(in, out);
    }

    @Test
    void parse_onlyRawIssuer_fallsBackToV1() throws Exception {
        Extension v1 = new Extension(FulcioOid.ISSUER_V1.oid(), false, "https://old".getBytes(StandardCharsets.UTF_8));
        assertEquals("https://old", FulcioExtensions.parse(new Extensions(v1)).issuer());
    }

    @Test
    void parse_v2NotUtf8String_throws() {
        Extension bad = new Extension(FulcioOid.ISSUER_V2.oid(), false, "raw".getBytes(StandardCharsets.UTF_8));
        assertThrows(InvalidFulcioExtensionException.class, () -> FulcioExtensions.parse(new Extensions(bad)));
    }

    @Test
    void parse_noIssuer_throws() {
        Extension other = new Extension(FulcioOid.GITHUB_WORKFLOW_SHA.oid(), false, "abc".getBytes(StandardCharsets.UTF_8));
        assertThrows(InvalidFulcioExtensionException.class, () -> FulcioExtensions.parse(new Extensions(other)));
    }

    @Test
    void new_emptyIssuer_throws() {
        assertThrows(IllegalArgumentException.class, () -> new FulcioExtensions(Map.of(FulcioOid.BUILD_TRIGGER, "push")));
    }
}
