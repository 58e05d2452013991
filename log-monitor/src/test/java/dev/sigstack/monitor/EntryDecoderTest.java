package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.testing.Vectors;
import dev.sigstack.core.x509.FulcioOid;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalLong;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding canonical bodies: upstream-written entries from public-good Rekor, ours, and hostile ones. */
final class EntryDecoderTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BEACON = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String GITHUB = "https://token.actions.githubusercontent.com";
    final EntryDecoder decoder = new EntryDecoder(OptionalLong.empty());

    static JsonNode tlogEntry(String bundleCase) throws Exception {
        Path f = Vectors.dir("sigstore-conformance").resolve("bundle-verify").resolve(bundleCase)
                .resolve("bundle.sigstore.json");
        return JSON.readTree(Files.readString(f)).at("/verificationMaterial/tlogEntries/0");
    }

    @ParameterizedTest
    @CsvSource({
        "happy-path-v0.1, hashedrekord, 1",
        "happy-path-v0.3, hashedrekord, 1",
        "happy-path-intoto-in-dsse-v3, dsse, 2",
        "rekor2-happy-path, hashedrekord, 1",
    })
    void decode_publicGoodRekorBodies_yieldsGithubWorkflowIdentity(String bundleCase, String kind, int artifacts)
            throws Exception {
        JsonNode e = tlogEntry(bundleCase);
        byte[] body = Base64.getDecoder().decode(e.get("canonicalizedBody").asText());
        DecodedEntry d = decoder.decode(e.get("logIndex").asLong(), body);
        assertEquals(kind, d.kind());
        assertEquals(artifacts, d.artifacts().size());
        assertEquals(1, d.signers().size());
        SignerIdentity who = d.signers().get(0).identity();
        assertEquals(BEACON, who.subject());
        assertEquals(GITHUB, who.issuer());
        assertNull(d.signers().get(0).problem(), d.signers().get(0).problem());
        // Fulcio writes the GitHub claims: the repository and ref are decoded from the certificate
        assertEquals("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon", who.repository());
        assertEquals("refs/heads/main", who.ci().get("sourceRepositoryRef"));
        assertTrue(who.keyId().matches("sha256:[0-9a-f]{64}"));
        assertEquals(64, d.uuid().length());
    }

    @Test
    void decode_publicGoodHashedRekord_artifactIsTheSignedDigest() throws Exception {
        JsonNode e = tlogEntry("happy-path-v0.3");
        DecodedEntry d = decoder.decode(0, Base64.getDecoder().decode(e.get("canonicalizedBody").asText()));
        byte[] artifact = Files.readAllBytes(Vectors.dir("sigstore-conformance").resolve("bundle-verify").resolve("a.txt"));
        assertEquals("sha256:" + HexFormat.of().formatHex(EntryDecoder.sha256(artifact)), d.artifacts().get(0));
    }

    @Test
    void decode_rekorV2Leaf_artifactIsTheSignedDigest() throws Exception {
        JsonNode e = tlogEntry("rekor2-happy-path");
        DecodedEntry d = decoder.decode(0, Base64.getDecoder().decode(e.get("canonicalizedBody").asText()));
        assertEquals("0.0.2", d.apiVersion());
        byte[] artifact = Files.readAllBytes(Vectors.dir("sigstore-conformance").resolve("bundle-verify").resolve("a.txt"));
        assertEquals("sha256:" + HexFormat.of().formatHex(EntryDecoder.sha256(artifact)), d.artifacts().get(0));
    }

    @Test
    void decode_managedKeyEntry_isIdentifiedByKeyIdOnly() throws Exception {
        JsonNode e = tlogEntry("managed-key-happy-path");
        DecodedEntry d = decoder.decode(0, Base64.getDecoder().decode(e.get("canonicalizedBody").asText()));
        SignerIdentity who = d.signers().get(0).identity();
        assertNull(who.subject());
        byte[] pem = Files.readAllBytes(Vectors.dir("sigstore-conformance").resolve("bundle-verify")
                .resolve("managed-key-happy-path").resolve("key.pub"));
        byte[] canonical = PublicKeyMaterial.parsePem(pem).canonicalPem();
        assertEquals("sha256:" + HexFormat.of().formatHex(EntryDecoder.sha256(canonical)), who.keyId());
    }

    @Test
    void uuid_withTreeId_isRekorsEightyHexEntryId() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String uuid = new EntryDecoder(OptionalLong.of(3904496407287907110L)).uuid(body);
        assertEquals(80, uuid.length());
        assertTrue(uuid.startsWith("362f8ecba72f4326"), uuid);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "not json",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.1\"}",
        "{\"kind\":\"rekord\",\"apiVersion\":\"0.0.1\",\"spec\":{}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.3\",\"spec\":{}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.2\",\"spec\":{}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.2\",\"spec\":{\"hashedRekordV002\":{\"data\":{},"
                + "\"signature\":{}}}}",
        "{\"kind\":\"dsse\",\"apiVersion\":\"0.0.2\",\"spec\":{\"dsseV002\":{\"payloadHash\":{\"algorithm\":"
                + "\"SHA2_256\",\"digest\":\"AAAA\"},\"signatures\":[]}}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.2\",\"spec\":{\"unknownField\":1}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.1\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\","
                + "\"value\":\"zz\"}},\"signature\":{\"publicKey\":{\"content\":\"AAAA\"}}}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.1\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\","
                + "\"value\":\"0000000000000000000000000000000000000000000000000000000000000000\"}},"
                + "\"signature\":{\"publicKey\":{\"content\":\"bm90IGEga2V5\"}}}}",
        "{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.1\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\","
                + "\"value\":\"0000000000000000000000000000000000000000000000000000000000000000\"}},"
                + "\"signature\":{\"publicKey\":{\"content\":\"!!!\"}}}}",
        "{\"kind\":\"dsse\",\"apiVersion\":\"0.0.1\",\"spec\":{\"payloadHash\":{\"algorithm\":\"sha256\",\"value\":"
                + "\"0000000000000000000000000000000000000000000000000000000000000000\"},\"envelopeHash\":{\"algorithm\":"
                + "\"sha256\",\"value\":\"0000000000000000000000000000000000000000000000000000000000000000\"},"
                + "\"signatures\":[]}}",
    })
    void decode_hostileBodies_throwMalformedWithReason(String body) {
        MalformedEntryException e = assertThrows(MalformedEntryException.class,
                () -> decoder.decode(7, body.getBytes(StandardCharsets.UTF_8)));
        assertNotNull(e.getMessage());
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void decode_deeplyNestedJson_isRefused() {
        String deep = "{\"kind\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThrows(MalformedEntryException.class, () -> decoder.decode(0, deep.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void signer_issuerExtensionsDisagree_isFlaggedAndUsesTheDerIssuer() throws Exception {
        KeyPair kp = TestLog.p256();
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=ca"), BigInteger.TEN, Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(60)), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, "a@example.com")));
        b.addExtension(FulcioOid.ISSUER_V1.oid(), false, "https://accounts.example".getBytes(StandardCharsets.UTF_8));
        b.addExtension(FulcioOid.ISSUER_V2.oid(), false, new DERUTF8String("https://evil.example").getEncoded());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        DecodedEntry.Signer s = EntryDecoder.signer(PublicKeyMaterial.pem("CERTIFICATE", cert.getEncoded())
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("https://evil.example", s.identity().issuer());
        assertEquals("https://accounts.example", s.identity().issuerV1());
        assertTrue(s.problem().contains("issuer extensions disagree"), s.problem());
    }

    @Test
    void signer_onlyDeprecatedIssuerExtension_usesIt() throws Exception {
        KeyPair kp = TestLog.p256();
        X509Certificate cert = TestLog.certificate(kp, new TestLog.Id("https://ci.internal/job", "https://ci.internal",
                Map.of(FulcioOid.GITHUB_WORKFLOW_REPOSITORY, "org/app", FulcioOid.GITHUB_WORKFLOW_REF, "refs/tags/v1")));
        DecodedEntry.Signer s = EntryDecoder.signer(PublicKeyMaterial.pem("CERTIFICATE", cert.getEncoded())
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("https://ci.internal", s.identity().issuerV1());
        assertEquals("https://ci.internal", s.identity().issuerV2());
        assertEquals("org/app", s.identity().repository());
        assertEquals("refs/tags/v1", s.identity().ci().get("githubWorkflowRef"));
        assertNull(s.problem());
    }

    @Test
    void signer_certificateWithoutFulcioExtensions_hasNoIssuerAndAProblem() throws Exception {
        KeyPair kp = TestLog.p256();
        X509Certificate cert = dev.sigstack.core.rekor.TestKeys.certificate(kp, "someone@example.com");
        DecodedEntry.Signer s = EntryDecoder.signer(PublicKeyMaterial.pem("CERTIFICATE", cert.getEncoded())
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("someone@example.com", s.identity().subject());
        assertNull(s.identity().issuer());
        assertTrue(s.problem().contains("no Fulcio issuer"), s.problem());
        // no issuer: no identity rule can allow it
        Allowlist any = assertDoesNotThrow(() -> Allowlist.parse("identities:\n  - issuerRegExp: .*\n    subjectRegExp: .*\n"));
        assertTrue(any.violation(new DecodedEntry(0, "u", "hashedrekord", "0.0.1", java.util.List.of(),
                java.util.List.of(s)), s.identity()).isPresent());
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
