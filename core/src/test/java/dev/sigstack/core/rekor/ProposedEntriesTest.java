package dev.sigstack.core.rekor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

final class ProposedEntriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ARTIFACT = "hello, sigstack\n".getBytes(StandardCharsets.UTF_8);

    static String hashedRekord(String algorithm, String hexDigest, byte[] signature, byte[] pem) {
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "0.0.1");
        o.put("kind", "hashedrekord");
        ObjectNode spec = o.putObject("spec");
        ObjectNode hash = spec.putObject("data").putObject("hash");
        hash.put("algorithm", algorithm);
        hash.put("value", hexDigest);
        ObjectNode sig = spec.putObject("signature");
        sig.put("content", Base64.getEncoder().encodeToString(signature));
        sig.putObject("publicKey").put("content", Base64.getEncoder().encodeToString(pem));
        return o.toString();
    }

    /** A valid hashedrekord proposal for {@code kp}'s key over {@link #ARTIFACT}. */
    static String validHashedRekord(KeyPair kp) {
        return hashedRekord("sha256", HexFormat.of().formatHex(TestKeys.sha256(ARTIFACT)),
                TestKeys.sign(kp, ARTIFACT), TestKeys.pem(kp));
    }

    private static CanonicalEntry canonicalize(String json) throws ProposedEntryException {
        return ProposedEntries.canonicalize(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void canonicalize_hashedRekordWithKey_storesDigestSignatureAndCanonicalPem() throws Exception {
        KeyPair kp = TestKeys.p256();
        byte[] sig = TestKeys.sign(kp, ARTIFACT);
        String digest = HexFormat.of().formatHex(TestKeys.sha256(ARTIFACT));
        // a PEM with CRLF line ends and surrounding blanks: the stored form is Go's pem.Encode of the key
        String sloppy = "\n  " + new String(TestKeys.pem(kp), StandardCharsets.US_ASCII).replace("\n", "\r\n") + "\n";
        CanonicalEntry e = canonicalize(hashedRekord("sha256", digest, sig, sloppy.getBytes(StandardCharsets.US_ASCII)));
        String pem = Base64.getEncoder().encodeToString(TestKeys.pem(kp));
        String expected = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\""
                + digest + "\"}},\"signature\":{\"content\":\"" + Base64.getEncoder().encodeToString(sig)
                + "\",\"publicKey\":{\"content\":\"" + pem + "\"}}}}";
        assertEquals(expected, new String(e.body(), StandardCharsets.UTF_8));
        String keyHash = HexFormat.of().formatHex(TestKeys.sha256(TestKeys.pem(kp)));
        assertEquals(java.util.List.of(keyHash, "sha256:" + digest), e.indexKeys());
    }

    @Test
    void canonicalize_hashedRekordWithCertificate_indexesEmailLowerCased() throws Exception {
        KeyPair kp = TestKeys.p256();
        X509Certificate cert = TestKeys.certificate(kp, "Alice@Example.COM");
        CanonicalEntry e = canonicalize(hashedRekord("sha256", HexFormat.of().formatHex(TestKeys.sha256(ARTIFACT)),
                TestKeys.sign(kp, ARTIFACT), TestKeys.pem(cert)));
        assertTrue(e.indexKeys().contains("alice@example.com"), e.indexKeys().toString());
        assertTrue(e.indexKeys().contains(HexFormat.of().formatHex(TestKeys.sha256(TestKeys.pem(cert)))));
    }

    @Test
    void canonicalize_hashedRekordRsa2048_isAccepted() throws Exception {
        KeyPair kp = TestKeys.rsa(2048);
        CanonicalEntry e = canonicalize(validHashedRekord(kp));
        assertEquals("hashedrekord", e.kind());
    }

    @Test
    void canonicalize_hashedRekordEd25519ph_isAccepted() throws Exception {
        KeyPair kp = TestKeys.ed25519();
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(ARTIFACT);
        CanonicalEntry e = canonicalize(hashedRekord("sha512", HexFormat.of().formatHex(digest),
                TestKeys.signEd25519ph(kp, digest), TestKeys.pem(kp)));
        assertTrue(e.indexKeys().contains("sha512:" + HexFormat.of().formatHex(digest)));
    }

    @Test
    void canonicalize_signatureByOtherKey_throwsSignatureInvalid() {
        KeyPair signer = TestKeys.p256();
        KeyPair other = TestKeys.p256();
        String json = hashedRekord("sha256", HexFormat.of().formatHex(TestKeys.sha256(ARTIFACT)),
                TestKeys.sign(signer, ARTIFACT), TestKeys.pem(other));
        var e = assertThrows(ProposedEntryException.SignatureInvalid.class, () -> canonicalize(json));
        assertTrue(e.getMessage().startsWith("verifying signature"), e.getMessage());
    }

    @Test
    void canonicalize_signatureOverOtherDigest_throwsSignatureInvalid() {
        KeyPair kp = TestKeys.p256();
        String json = hashedRekord("sha256", HexFormat.of().formatHex(TestKeys.sha256("other".getBytes(StandardCharsets.UTF_8))),
                TestKeys.sign(kp, ARTIFACT), TestKeys.pem(kp));
        assertThrows(ProposedEntryException.SignatureInvalid.class, () -> canonicalize(json));
    }

    @Test
    void canonicalize_md5_throwsUnsupportedAlgorithm() {
        KeyPair kp = TestKeys.p256();
        String json = hashedRekord("md5", "00".repeat(16), TestKeys.sign(kp, ARTIFACT), TestKeys.pem(kp));
        var e = assertThrows(ProposedEntryException.UnsupportedAlgorithm.class, () -> canonicalize(json));
        assertEquals("data.hash.algorithm in body should be one of [sha256 sha384 sha512]", e.getMessage());
    }

    @Test
    void canonicalize_p256WithSha512Digest_throwsUnsupportedAlgorithm() throws Exception {
        KeyPair kp = TestKeys.p256();
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(ARTIFACT);
        java.security.Signature s = java.security.Signature.getInstance("SHA512withECDSA");
        s.initSign(kp.getPrivate());
        s.update(ARTIFACT);
        String json = hashedRekord("sha512", HexFormat.of().formatHex(digest), s.sign(), TestKeys.pem(kp));
        var e = assertThrows(ProposedEntryException.UnsupportedAlgorithm.class, () -> canonicalize(json));
        assertEquals("entry algorithms are not allowed", e.getMessage());
    }

    @Test
    void canonicalize_digestOfWrongLength_throwsMalformed() {
        KeyPair kp = TestKeys.p256();
        String json = hashedRekord("sha256", "abcd", TestKeys.sign(kp, ARTIFACT), TestKeys.pem(kp));
        var e = assertThrows(ProposedEntryException.Malformed.class, () -> canonicalize(json));
        assertEquals("invalid value for hash", e.getMessage());
    }

    @Test
    void canonicalize_publicKeyNotPem_throwsMalformed() {
        String json = hashedRekord("sha256", "00".repeat(32), new byte[] {1}, "not a key".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(ProposedEntryException.Malformed.class, () -> canonicalize(json));
        assertEquals("invalid public key: failure decoding PEM", e.getMessage());
    }

    @Test
    void canonicalize_unknownKind_throwsUnknownKind() {
        var e = assertThrows(ProposedEntryException.UnknownKind.class,
                () -> canonicalize("{\"apiVersion\":\"0.0.1\",\"kind\":\"rpm\",\"spec\":{}}"));
        assertEquals("invalid kind value: \"rpm\"", e.getMessage());
    }

    @Test
    void canonicalize_unknownVersion_throwsUnsupportedVersion() {
        var e = assertThrows(ProposedEntryException.UnsupportedVersion.class,
                () -> canonicalize("{\"apiVersion\":\"9.9.9\",\"kind\":\"hashedrekord\",\"spec\":{}}"));
        assertEquals("hashedrekord implementation for version '9.9.9' not found", e.getMessage());
    }

    @Test
    void canonicalize_notJson_throwsMalformed() {
        var e = assertThrows(ProposedEntryException.Malformed.class, () -> canonicalize("{\"kind\":"));
        assertTrue(e.getMessage().startsWith("parsing body body from \"\" failed"), e.getMessage());
    }

    @Test
    void canonicalize_duplicateKeys_throwsMalformed() {
        assertThrows(ProposedEntryException.Malformed.class,
                () -> canonicalize("{\"kind\":\"hashedrekord\",\"kind\":\"dsse\",\"apiVersion\":\"0.0.1\",\"spec\":{}}"));
    }

    @Test
    void canonicalize_missingSpec_throwsMalformed() {
        var e = assertThrows(ProposedEntryException.Malformed.class,
                () -> canonicalize("{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\"}"));
        assertEquals("spec in body is required", e.getMessage());
    }

    // --- dsse 0.0.1 ---

    static String dsse(String payloadType, byte[] payload, KeyPair signer, KeyPair... verifiers) {
        byte[] sig = TestKeys.sign(signer, Dsse.pae(payloadType, payload));
        ObjectNode env = JSON.createObjectNode();
        env.put("payloadType", payloadType);
        env.put("payload", Base64.getEncoder().encodeToString(payload));
        env.putArray("signatures").addObject().put("keyid", "").put("sig", Base64.getEncoder().encodeToString(sig));
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "0.0.1");
        o.put("kind", "dsse");
        ObjectNode pc = o.putObject("spec").putObject("proposedContent");
        pc.put("envelope", env.toString());
        for (KeyPair v : verifiers) {
            pc.withArray("verifiers").add(Base64.getEncoder().encodeToString(TestKeys.pem(v)));
        }
        return o.toString();
    }

    @Test
    void canonicalize_dsseInToto_dropsEnvelopeAndIndexesSubjects() throws Exception {
        KeyPair kp = TestKeys.p256();
        String digest = "ab".repeat(32);
        byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\""
                + digest + "\"}}],\"predicateType\":\"x\",\"predicate\":{}}").getBytes(StandardCharsets.UTF_8);
        String json = dsse(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, kp, kp);
        CanonicalEntry e = canonicalize(json);
        JsonNode body = JSON.readTree(e.body());
        JsonNode spec = body.path("spec");
        assertEquals(3, spec.size());
        String envelope = JSON.readTree(json).path("spec").path("proposedContent").path("envelope").asText();
        assertEquals(HexFormat.of().formatHex(TestKeys.sha256(envelope.getBytes(StandardCharsets.UTF_8))),
                spec.path("envelopeHash").path("value").asText());
        assertEquals(HexFormat.of().formatHex(TestKeys.sha256(statement)), spec.path("payloadHash").path("value").asText());
        assertEquals(Base64.getEncoder().encodeToString(TestKeys.pem(kp)), spec.path("signatures").get(0).path("verifier").asText());
        assertTrue(e.indexKeys().contains("sha256:" + digest), e.indexKeys().toString());
    }

    @Test
    void canonicalize_dsseVerifierThatSignedNothing_throwsSignatureInvalid() {
        KeyPair signer = TestKeys.p256();
        KeyPair other = TestKeys.p256();
        assertThrows(ProposedEntryException.SignatureInvalid.class,
                () -> canonicalize(dsse("text/plain", new byte[] {1, 2, 3}, signer, signer, other)));
        assertThrows(ProposedEntryException.SignatureInvalid.class,
                () -> canonicalize(dsse("text/plain", new byte[] {1, 2, 3}, signer, other)));
    }

    @Test
    void canonicalize_dsseWithElevenVerifiers_throwsMalformed() {
        KeyPair signer = TestKeys.p256();
        KeyPair[] verifiers = new KeyPair[11];
        java.util.Arrays.fill(verifiers, signer);
        var e = assertThrows(ProposedEntryException.Malformed.class,
                () -> canonicalize(dsse("text/plain", new byte[] {1}, signer, verifiers)));
        assertEquals("too many verifiers: 11, max allowed: 10", e.getMessage());
    }

    // --- intoto 0.0.2 ---

    /** An intoto 0.0.2 proposed entry: {@code payload} in a DSSE envelope signed by {@code kp}. */
    static ObjectNode intoto(KeyPair kp, byte[] payload) {
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
        return o;
    }

    @Test
    void canonicalize_intotoV002_keepsSignaturesDropsPayloadAddsPayloadHash() throws Exception {
        KeyPair kp = TestKeys.p256();
        byte[] payload = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[]}".getBytes(StandardCharsets.UTF_8);
        ObjectNode o = intoto(kp, payload);
        ObjectNode s = (ObjectNode) o.path("spec").path("content").path("envelope").path("signatures").get(0);

        CanonicalEntry e = canonicalize(o.toString());
        JsonNode stored = JSON.readTree(e.body()).path("spec").path("content");
        assertTrue(stored.path("envelope").path("payload").isMissingNode());
        assertEquals(s, stored.path("envelope").path("signatures").get(0));
        assertEquals(HexFormat.of().formatHex(TestKeys.sha256(payload)), stored.path("payloadHash").path("value").asText());

        s.put("sig", Base64.getEncoder().encodeToString(Base64.getEncoder().encode(new byte[70])));
        assertThrows(ProposedEntryException.SignatureInvalid.class, () -> canonicalize(o.toString()));
    }
}
