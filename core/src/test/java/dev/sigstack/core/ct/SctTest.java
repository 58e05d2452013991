package dev.sigstack.core.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class SctTest {

    private static Sct sample() {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) 0xab);
        return new Sct(id, 0x0102030405060708L, new byte[0], new DigitallySigned(4, 3, new byte[] {1, 2, 3}));
    }

    @Test
    void encode_sample_matchesRfc6962Layout() {
        String hex = HexFormat.of().formatHex(sample().encode());
        // version 0, 32-byte log id, 8-byte timestamp, empty extensions, sha256/ecdsa, 2-byte length, signature
        assertEquals("00" + "ab".repeat(32) + "0102030405060708" + "0000" + "0403" + "0003" + "010203", hex);
    }

    @Test
    void parse_encoded_roundTrips() throws Exception {
        assertEquals(sample(), Sct.parse(sample().encode()));
    }

    /** Found by SctListPropertiesTest: a uint64 timestamp with the top bit set leaked the record's IllegalArgumentException. */
    @Test
    void parse_timestampPastLongMax_throwsMalformed() {
        byte[] enc = sample().encode();
        enc[33] = (byte) 0xeb; // the first of the 8 timestamp bytes, after version and log ID
        var e = assertThrows(MalformedCtDataException.class, () -> Sct.parse(enc));
        assertEquals("SCT timestamp 16934100864665519880 is out of range", e.getMessage());
        byte[] list = withFirstTimestampByte(SctList.encodeTls(List.of(sample())), (byte) 0xeb);
        assertThrows(MalformedCtDataException.class, () -> SctList.parseTls(list));
    }

    private static byte[] withFirstTimestampByte(byte[] list, byte b) {
        byte[] out = list.clone();
        out[4 + 33] = b; // list length (2) and SCT length (2) come first
        return out;
    }

    /** Found by SctListPropertiesTest: an empty extension value made BouncyCastle return null, then a NullPointerException. */
    @Test
    void parseExtensionValue_empty_throwsMalformed() {
        var e = assertThrows(MalformedCtDataException.class, () -> SctList.parseExtensionValue(new byte[0]));
        assertEquals("SCT list extension is empty", e.getMessage());
    }

    @Test
    void parse_truncatedOrTrailing_throws() {
        byte[] enc = sample().encode();
        assertThrows(MalformedCtDataException.class, () -> Sct.parse(Arrays.copyOf(enc, enc.length - 1)));
        assertThrows(MalformedCtDataException.class, () -> Sct.parse(Arrays.copyOf(enc, enc.length + 1)));
    }

    @Test
    void parseExtensionValue_encodedList_roundTrips() throws Exception {
        byte[] value = SctList.toExtension(List.of(sample(), sample())).getExtnValue().getOctets();
        assertEquals(0x04, value[0]); // OCTET STRING
        assertEquals(List.of(sample(), sample()), SctList.parseExtensionValue(value));
    }

    @Test
    void signatureInput_x509Entry_hasRfc6962Header() {
        byte[] in = new SignedEntry.X509Entry(new byte[] {9, 9}).signatureInput(1, new byte[0]);
        assertArrayEquals(HexFormat.of().parseHex("0000" + "0000000000000001" + "0000" + "000002" + "0909" + "0000"), in);
    }

    @Test
    void merkleTreeLeaf_precertEntry_hasRfc6962Layout() {
        byte[] hash = new byte[32];
        byte[] leaf = new SignedEntry.PrecertEntry(hash, new byte[] {7}).merkleTreeLeaf(2, null);
        assertArrayEquals(HexFormat.of().parseHex("0000" + "0000000000000002" + "0001" + "00".repeat(32) + "000001" + "07" + "0000"), leaf);
    }
}
