package dev.sigstack.core.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.bundle.SigstoreBundle;
import dev.sigstack.core.bundle.TlogVerifier;
import dev.sigstack.core.rekor.CanonicalEntry;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.rekor.ProposedEntries;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.rekor.RekorV2Entries;
import dev.sigstack.core.testing.Vectors;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.junit.jupiter.api.Test;

/**
 * The signer's requests are accepted by our Rekor's own proposed-entry code (which verifies the signature), its
 * answer parsing round-trips real upstream entries, and its TSA exchange checks imprint and nonce.
 */
final class SigningWireFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static X509Certificate cert(KeyPair kp, KeyPurposeId eku) throws Exception {
        X500Name name = new X500Name("CN=test");
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, new Date(System.currentTimeMillis() - 60_000),
                new Date(System.currentTimeMillis() + 3_600_000), name, kp.getPublic());
        b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(eku));
        X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(h);
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static final class Ephemeral {
        final EphemeralSigner signer = EphemeralSigner.generate();
        final X509Certificate cert;

        Ephemeral() throws Exception {
            // the certificate must carry the signer's key; issue it from a throwaway CA key
            KeyPair ca = ec();
            X500Name name = new X500Name("CN=ca");
            var b = new JcaX509v3CertificateBuilder(name, BigInteger.TWO, new Date(System.currentTimeMillis() - 60_000),
                    new Date(System.currentTimeMillis() + 600_000), new X500Name("CN=leaf"), signer.publicKey());
            cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
        }
    }

    @Test
    void v1HashedRekord_isAcceptedAndVerifiedByOurRekorCode() throws Exception {
        Ephemeral e = new Ephemeral();
        byte[] artifact = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] sig = e.signer.sign(artifact);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(artifact);
        CanonicalEntry c = ProposedEntries.canonicalize(RekorRequests.v1HashedRekord(digest, sig, e.cert));
        assertEquals("hashedrekord", c.kind());
        JsonNode body = JSON.readTree(c.body());
        assertEquals(HexFormat.of().formatHex(digest), body.path("spec").path("data").path("hash").path("value").asText());
        // a signature over other bytes is refused by the same code
        byte[] other = e.signer.sign("other".getBytes(StandardCharsets.UTF_8));
        assertThrows(Exception.class, () -> ProposedEntries.canonicalize(RekorRequests.v1HashedRekord(digest, other, e.cert)));
    }

    @Test
    void v1Dsse_isAcceptedAndVerifiedByOurRekorCode() throws Exception {
        Ephemeral e = new Ephemeral();
        byte[] statement = Files.readAllBytes(Vectors.dir("sigstore-conformance").resolve("statement.json"));
        byte[] sig = e.signer.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, statement));
        var env = BundleAssembler.envelope(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, sig);
        CanonicalEntry c = ProposedEntries.canonicalize(RekorRequests.v1Dsse(env, e.cert));
        assertEquals("dsse", c.kind());
    }

    @Test
    void v2HashedRekord_isAcceptedByOurRekorV2Code() throws Exception {
        Ephemeral e = new Ephemeral();
        byte[] artifact = "hello v2".getBytes(StandardCharsets.UTF_8);
        byte[] sig = e.signer.sign(artifact);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(artifact);
        var entry = RekorV2Entries.fromCreateEntryRequest(RekorRequests.v2HashedRekord(digest, sig, e.cert,
                EphemeralSigner.KEY_DETAILS));
        assertEquals("hashedrekord", entry.entry().getKind());
    }

    @Test
    void parseV1Response_roundTripsAnUpstreamEntry() throws Exception {
        byte[] raw = Files.readAllBytes(Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3")
                .resolve("bundle.sigstore.json"));
        SigstoreBundle b = SigstoreBundle.parse(raw);
        TransparencyLogEntry e = b.bundle().getVerificationMaterial().getTlogEntries(0);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("body", Base64.getEncoder().encodeToString(e.getCanonicalizedBody().toByteArray()));
        entry.put("integratedTime", e.getIntegratedTime());
        entry.put("logID", HexFormat.of().formatHex(e.getLogId().getKeyId().toByteArray()));
        entry.put("logIndex", e.getLogIndex());
        ObjectNode v = entry.putObject("verification");
        v.put("signedEntryTimestamp", Base64.getEncoder().encodeToString(
                e.getInclusionPromise().getSignedEntryTimestamp().toByteArray()));
        ObjectNode p = v.putObject("inclusionProof");
        p.put("checkpoint", e.getInclusionProof().getCheckpoint().getEnvelope());
        var hashes = p.putArray("hashes");
        e.getInclusionProof().getHashesList().forEach(h -> hashes.add(HexFormat.of().formatHex(h.toByteArray())));
        p.put("logIndex", e.getInclusionProof().getLogIndex());
        p.put("rootHash", HexFormat.of().formatHex(e.getInclusionProof().getRootHash().toByteArray()));
        p.put("treeSize", e.getInclusionProof().getTreeSize());
        ObjectNode answer = JSON.createObjectNode();
        answer.set("24296fb24b8ad77a" + "0".repeat(64), entry);

        TransparencyLogEntry parsed = RekorRequests.parseV1Response(JSON.writeValueAsBytes(answer));
        assertEquals(e, parsed);
        TlogVerifier v1 = new TlogVerifier(TlogVerifier.parseTrustedRoot(Files.readAllBytes(
                Vectors.dir("sigstore-conformance").resolve("production-trusted_root.json"))));
        assertDoesNotThrow(() -> v1.verifyEntry(parsed, false));
    }

    @Test
    void parseResponses_hostile_throw() {
        for (String s : new String[] {"", "[]", "{}", "{\"a\":{},\"b\":{}}", "{\"u\":{\"body\":\"!!\"}}",
                "{\"u\":{\"body\":\"e30=\",\"logID\":\"zz\",\"logIndex\":1,\"integratedTime\":1}}"}) {
            assertThrows(SigningException.class, () -> RekorRequests.parseV1Response(s.getBytes(StandardCharsets.UTF_8)), s);
        }
        assertThrows(SigningException.class, () -> RekorRequests.parseV2Response("{}".getBytes(StandardCharsets.UTF_8)));
        for (String s : new String[] {"", "{}", "{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[]}}}",
                "{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"junk\"]}}}"}) {
            assertThrows(SigningException.class, () -> FulcioRequests.parseResponse(s.getBytes(StandardCharsets.UTF_8)), s);
        }
    }

    @Test
    void fulcioRequest_hasTheWireShapeAndAProofOverTheSubject() throws Exception {
        EphemeralSigner s = EphemeralSigner.generate();
        byte[] pop = s.proofOfPossession("alice@example.com");
        JsonNode req = JSON.readTree(FulcioRequests.signingCertRequest("tok", s.publicKey(), pop));
        assertEquals("tok", req.path("credentials").path("oidcIdentityToken").asText());
        assertEquals("ECDSA", req.path("publicKeyRequest").path("publicKey").path("algorithm").asText());
        String pem = req.path("publicKeyRequest").path("publicKey").path("content").asText();
        PublicKeyMaterial key = PublicKeyMaterial.parsePem(pem.getBytes(StandardCharsets.US_ASCII));
        key.verifyMessage("alice@example.com".getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(req.path("publicKeyRequest").path("proofOfPossession").asText()),
                PublicKeyMaterial.HashAlgorithm.SHA256);
        assertTrue(s.toString().indexOf("PRIVATE") < 0);
    }

    @Test
    void signSha256Digest_verifiesAsSha256WithEcdsaOverTheData() throws Exception {
        EphemeralSigner s = EphemeralSigner.generate();
        byte[] data = "streamed artifact".getBytes(StandardCharsets.UTF_8);
        byte[] sig = s.signSha256Digest(MessageDigest.getInstance("SHA-256").digest(data));
        java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA");
        v.initVerify(s.publicKey());
        v.update(data);
        assertTrue(v.verify(sig));
        assertThrows(IllegalArgumentException.class, () -> s.signSha256Digest(new byte[31]));
    }

    @Test
    void fulcioResponse_readsEmbeddedAndDetachedChains() throws Exception {
        X509Certificate c = cert(ec(), KeyPurposeId.id_kp_codeSigning);
        String pem = PublicKeyMaterial.pem("CERTIFICATE", c.getEncoded());
        for (String kind : new String[] {"signedCertificateEmbeddedSct", "signedCertificateDetachedSct"}) {
            ObjectNode root = JSON.createObjectNode();
            root.putObject(kind).putObject("chain").putArray("certificates").add(pem).add(pem);
            List<X509Certificate> chain = FulcioRequests.parseResponse(JSON.writeValueAsBytes(root));
            assertEquals(2, chain.size());
            assertArrayEquals(c.getEncoded(), chain.get(0).getEncoded());
        }
    }

    @Test
    void timestamp_checkResponse_acceptsMatchingAndRefusesOtherRequests() throws Exception {
        KeyPair tsaKey = ec();
        X509Certificate tsaCert = cert(tsaKey, KeyPurposeId.id_kp_timeStamping);
        var signerInfo = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(tsaKey.getPrivate()), tsaCert);
        TimeStampTokenGenerator tokenGen = new TimeStampTokenGenerator(signerInfo,
                new JcaDigestCalculatorProviderBuilder().build().get(
                        new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1)),
                new ASN1ObjectIdentifier("1.2.3.4"));
        tokenGen.addCertificates(new JcaCertStore(List.of(tsaCert)));
        TimeStampResponseGenerator respGen = new TimeStampResponseGenerator(tokenGen, TSPAlgorithms.ALLOWED);
        byte[] sig = "signature".getBytes(StandardCharsets.UTF_8);
        TimeStampRequest req = TimestampRequests.request(sig);
        byte[] answer = respGen.generate(req, BigInteger.ONE, new Date()).getEncoded();
        assertTrue(TimestampRequests.checkResponse(req, answer).length > 0);
        TimeStampRequest other = TimestampRequests.request(sig); // another nonce
        assertThrows(SigningException.class, () -> TimestampRequests.checkResponse(other, answer));
        assertThrows(SigningException.class, () -> TimestampRequests.checkResponse(req, new byte[] {0x30, 0}));
    }
}
