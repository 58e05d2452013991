package dev.sigstack.core.verify;

import static dev.sigstack.core.verify.BundleVerifierConformanceTest.DEFAULT_IDENTITY;
import static dev.sigstack.core.verify.BundleVerifierConformanceTest.DEFAULT_ISSUER;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.sigstack.core.bundle.TlogVerificationException;
import dev.sigstack.core.testing.Vectors;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.common.v1.X509CertificateChain;
import dev.sigstore.proto.trustroot.v1.CertificateAuthority;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The verifier's refusals, each from a real upstream bundle (sigstore-conformance) that verifies, changed in one
 * way: wrong identity or issuer, another artifact, a tampered signature, SET, inclusion proof or checkpoint, a
 * CA that is not the signer's, no CT log, and hostile input.
 */
final class BundleVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir(String name) {
        return Vectors.dir("sigstore-conformance/bundle-verify").resolve(name);
    }

    private static byte[] bundle(String name) throws Exception {
        return Files.readAllBytes(dir(name).resolve("bundle.sigstore.json"));
    }

    private static Artifact defaultArtifact() throws Exception {
        return Artifact.read(Vectors.dir("sigstore-conformance/bundle-verify").resolve("a.txt"));
    }

    private static BundleVerifier production() throws Exception {
        return BundleVerifierConformanceTest.verifier(dir("happy-path-v0.3"));
    }

    private static byte[] mutate(String name, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(bundle(name));
        change.accept(root);
        return JSON.writeValueAsBytes(root);
    }

    private static String flipLastByte(String base64) {
        byte[] b = Base64.getDecoder().decode(base64);
        b[b.length - 1] ^= 1;
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void verify_wrongIdentity_throwsIdentityMismatch() throws Exception {
        var e = assertThrows(BundleVerificationException.IdentityMismatch.class, () -> production().verify(
                bundle("happy-path-v0.3"), defaultArtifact(), VerificationPolicy.identity("someone@example.com", DEFAULT_ISSUER)));
        assertEquals("someone@example.com", e.expected());
        assertEquals(DEFAULT_IDENTITY, e.actual());
    }

    @Test
    void verify_wrongIssuer_throwsIssuerMismatch() throws Exception {
        var e = assertThrows(BundleVerificationException.IssuerMismatch.class, () -> production().verify(
                bundle("happy-path-v0.3"), defaultArtifact(),
                VerificationPolicy.identity(DEFAULT_IDENTITY, "https://accounts.google.com")));
        assertEquals(DEFAULT_ISSUER, e.actual());
    }

    @Test
    void verify_identityRegexp_matchesAnywhereAsCosign() throws Exception {
        var issuer = VerificationPolicy.Matcher.exact(DEFAULT_ISSUER);
        assertDoesNotThrow(() -> production().verify(bundle("happy-path-v0.3"), defaultArtifact(),
                new VerificationPolicy.Identity(VerificationPolicy.Matcher.regexp(
                        "^https://github\\.com/sigstore-conformance/.*@refs/heads/main$"), issuer)));
        assertDoesNotThrow(() -> production().verify(bundle("happy-path-v0.3"), defaultArtifact(),
                new VerificationPolicy.Identity(VerificationPolicy.Matcher.regexp("sigstore-conformance"), issuer)));
        assertThrows(BundleVerificationException.IdentityMismatch.class, () -> production().verify(bundle("happy-path-v0.3"),
                defaultArtifact(), new VerificationPolicy.Identity(VerificationPolicy.Matcher.regexp("^sigstore-conformance"), issuer)));
    }

    @Test
    void verify_tamperedArtifact_throwsArtifactMismatch() throws Exception {
        var e = assertThrows(BundleVerificationException.ArtifactMismatch.class, () -> production().verify(
                bundle("happy-path-v0.3"), Artifact.of("not a.txt\n".getBytes(StandardCharsets.UTF_8)),
                VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertTrue(e.artifactDigest().startsWith("sha256:"), e.getMessage());
    }

    @Test
    void verify_digestForm_passesForTheRightDigestOnly() throws Exception {
        String hex = HexFormat.of().formatHex(defaultArtifact().sha256());
        var policy = VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER);
        assertDoesNotThrow(() -> production().verify(bundle("happy-path-v0.3"), Artifact.parseDigest("sha256:" + hex), policy));
        String other = "0".repeat(64);
        assertThrows(BundleVerificationException.ArtifactMismatch.class,
                () -> production().verify(bundle("happy-path-v0.3"), Artifact.parseDigest("sha256:" + other), policy));
        assertThrows(IllegalArgumentException.class, () -> Artifact.parseDigest("sha512:" + hex));
        assertThrows(IllegalArgumentException.class, () -> Artifact.parseDigest("sha256:abc"));
    }

    @Test
    void verify_dsseWithDigestForm_matchesInTotoSubject() throws Exception {
        String hex = HexFormat.of().formatHex(defaultArtifact().sha256());
        assertDoesNotThrow(() -> production().verify(bundle("happy-path-intoto-in-dsse-v3"),
                Artifact.parseDigest("sha256:" + hex), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
    }

    @Test
    void verify_tamperedSignature_failsTlogConsistency() throws Exception {
        byte[] b = mutate("happy-path-v0.3", r -> {
            ObjectNode ms = (ObjectNode) r.path("messageSignature");
            ms.put("signature", flipLastByte(ms.path("signature").asText()));
        });
        var e = assertThrows(BundleVerificationException.TransparencyLogFailure.class, () -> production().verify(b,
                defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertInstanceOf(TlogVerificationException.EntryMismatch.class, e.tlogFailure());
    }

    @Test
    void verify_tamperedSet_failsSignedEntryTimestamp() throws Exception {
        byte[] b = mutate("happy-path-v0.1", r -> {
            ObjectNode p = (ObjectNode) r.path("verificationMaterial").path("tlogEntries").path(0).path("inclusionPromise");
            p.put("signedEntryTimestamp", flipLastByte(p.path("signedEntryTimestamp").asText()));
        });
        var e = assertThrows(BundleVerificationException.TransparencyLogFailure.class, () -> production().verify(b,
                defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertInstanceOf(TlogVerificationException.InvalidSignedEntryTimestamp.class, e.tlogFailure());
    }

    @Test
    void verify_tamperedInclusionProof_failsInclusionProof() throws Exception {
        byte[] b = mutate("happy-path-v0.3", r -> {
            var hashes = (com.fasterxml.jackson.databind.node.ArrayNode) r.path("verificationMaterial").path("tlogEntries")
                    .path(0).path("inclusionProof").path("hashes");
            hashes.set(0, flipLastByte(hashes.path(0).asText()));
        });
        var e = assertThrows(BundleVerificationException.TransparencyLogFailure.class, () -> production().verify(b,
                defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertInstanceOf(TlogVerificationException.InvalidInclusionProof.class, e.tlogFailure());
    }

    @Test
    void verify_tamperedCheckpointSignature_failsCheckpoint() throws Exception {
        byte[] b = mutate("happy-path-v0.3", r -> {
            ObjectNode cp = (ObjectNode) r.path("verificationMaterial").path("tlogEntries").path(0).path("inclusionProof")
                    .path("checkpoint");
            String env = cp.path("envelope").asText();
            int dash = env.lastIndexOf(' ');
            String sig = env.substring(dash + 1, env.length() - 1);
            cp.put("envelope", env.substring(0, dash + 1) + flipLastByte(sig) + "\n");
        });
        var e = assertThrows(BundleVerificationException.TransparencyLogFailure.class, () -> production().verify(b,
                defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertInstanceOf(TlogVerificationException.InvalidCheckpoint.class, e.tlogFailure());
    }

    @Test
    void verify_certificateFromUntrustedCa_throwsUntrustedCertificate() throws Exception {
        TrustedRoot prod = BundleVerifier.parseTrustedRoot(Files.readAllBytes(
                Vectors.dir("sigstore-conformance").resolve("production-trusted_root.json")));
        CertificateAuthority real = prod.getCertificateAuthorities(prod.getCertificateAuthoritiesCount() - 1);
        CertificateAuthority impostor = real.toBuilder().setCertChain(X509CertificateChain.newBuilder()
                .addCertificates(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(selfSignedCa()))))
                .build();
        TrustedRoot root = prod.toBuilder().clearCertificateAuthorities().addCertificateAuthorities(impostor).build();
        var e = assertThrows(BundleVerificationException.UntrustedCertificate.class, () -> BundleVerifier.of(root)
                .verify(bundle("happy-path-v0.3"), defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertNotNull(e.signingTime());
    }

    @Test
    void verify_noTrustedCtLog_throwsInsufficientSctsUnlessThresholdZero() throws Exception {
        TrustedRoot prod = BundleVerifier.parseTrustedRoot(Files.readAllBytes(
                Vectors.dir("sigstore-conformance").resolve("production-trusted_root.json")));
        TrustedRoot noCt = prod.toBuilder().clearCtlogs().build();
        var policy = VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER);
        var e = assertThrows(BundleVerificationException.InsufficientScts.class,
                () -> BundleVerifier.of(noCt).verify(bundle("happy-path-v0.3"), defaultArtifact(), policy));
        assertEquals(1, e.required());
        assertEquals(0, e.verified());
        assertDoesNotThrow(() -> BundleVerifier.withCtlogThreshold(noCt, 0)
                .verify(bundle("happy-path-v0.3"), defaultArtifact(), policy));
        var two = assertThrows(BundleVerificationException.InsufficientScts.class,
                () -> BundleVerifier.withCtlogThreshold(prod, 2).verify(bundle("happy-path-v0.3"), defaultArtifact(), policy));
        assertEquals(1, two.verified());
    }

    @Test
    void verify_keyPolicyOnCertificateBundle_throwsWrongVerificationMaterial() throws Exception {
        KeyPair kp = ecKey();
        assertThrows(BundleVerificationException.WrongVerificationMaterial.class, () -> production()
                .verify(bundle("happy-path-v0.3"), defaultArtifact(), VerificationPolicy.key(kp.getPublic())));
    }

    @Test
    void verify_hostileInput_throwsClearErrors() throws Exception {
        var policy = VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER);
        for (String junk : new String[] {"", "null", "[]", "{", "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}",
                "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"messageSignature\":{\"signature\":\"AA==\"}}"}) {
            assertThrows(BundleVerificationException.MalformedBundle.class,
                    () -> production().verify(junk.getBytes(StandardCharsets.UTF_8), defaultArtifact(), policy), junk);
        }
        assertThrows(BundleVerificationException.InvalidTrustedRoot.class,
                () -> BundleVerifier.parseTrustedRoot("{\"tlogs\": 7}".getBytes(StandardCharsets.UTF_8)));
        byte[] badCert = mutate("happy-path-v0.3", r -> ((ObjectNode) r.path("verificationMaterial").path("certificate"))
                .put("rawBytes", "AAAA"));
        assertThrows(BundleVerificationException.MalformedBundle.class, () -> production().verify(badCert, defaultArtifact(), policy));
    }

    @Test
    void verify_trustedRootWithUndecodableCa_throwsInvalidTrustedRoot() throws Exception {
        TrustedRoot prod = BundleVerifier.parseTrustedRoot(Files.readAllBytes(
                Vectors.dir("sigstore-conformance").resolve("production-trusted_root.json")));
        CertificateAuthority broken = prod.getCertificateAuthorities(0).toBuilder().setCertChain(X509CertificateChain
                .newBuilder().addCertificates(X509Certificate.newBuilder().setRawBytes(ByteString.copyFromUtf8("junk")))).build();
        TrustedRoot root = prod.toBuilder().addCertificateAuthorities(broken).build();
        assertThrows(BundleVerificationException.InvalidTrustedRoot.class, () -> BundleVerifier.of(root).verify(
                bundle("happy-path-v0.3"), defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
    }

    @Test
    void verify_v03WithCertificateChain_isMalformed() throws Exception {
        byte[] b = mutate("happy-path-v0.3", r -> {
            ObjectNode vm = (ObjectNode) r.path("verificationMaterial");
            var cert = vm.remove("certificate");
            vm.putObject("x509CertificateChain").putArray("certificates").add(cert);
        });
        var e = assertThrows(BundleVerificationException.MalformedBundle.class, () -> production().verify(b,
                defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertTrue(e.getMessage().contains("v0.3"), e.getMessage());
    }

    @Test
    void verify_sameLogEntryTwice_isMalformed() throws Exception {
        byte[] b = mutate("happy-path-v0.3", r -> {
            var entries = (com.fasterxml.jackson.databind.node.ArrayNode) r.path("verificationMaterial").path("tlogEntries");
            entries.add(entries.get(0).deepCopy());
        });
        var e = assertThrows(BundleVerificationException.MalformedBundle.class, () -> production().verify(b,
                defaultArtifact(), VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void verify_tooManyTimestamps_isMalformed() throws Exception {
        byte[] b = mutate("rekor2-happy-path", r -> {
            var stamps = (com.fasterxml.jackson.databind.node.ArrayNode) r.path("verificationMaterial")
                    .path("timestampVerificationData").path("rfc3161Timestamps");
            var first = stamps.get(0);
            for (int i = 0; i < BundleVerifier.MAX_TIMESTAMPS; i++) {
                stamps.add(first.deepCopy());
            }
        });
        var e = assertThrows(BundleVerificationException.MalformedBundle.class, () -> BundleVerifierConformanceTest
                .verifier(dir("rekor2-happy-path")).verify(b, defaultArtifact(),
                        VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertTrue(e.getMessage().contains("more than 32"), e.getMessage());
    }

    @Test
    void verify_timestampTokenNotSignedData_isInvalidTimestamp() throws Exception {
        byte[] b = mutate("rekor2-happy-path", r -> {
            var stamp = (ObjectNode) r.path("verificationMaterial").path("timestampVerificationData")
                    .path("rfc3161Timestamps").get(0);
            var resp = org.bouncycastle.asn1.tsp.TimeStampResp.getInstance(
                    java.util.Base64.getDecoder().decode(stamp.path("signedTimestamp").asText()));
            // the outer ContentInfo's type is outside the signature: id-data instead of id-signedData
            var token = new org.bouncycastle.asn1.cms.ContentInfo(
                    org.bouncycastle.asn1.cms.CMSObjectIdentifiers.data, resp.getTimeStampToken().getContent());
            try {
                stamp.put("signedTimestamp", java.util.Base64.getEncoder().encodeToString(
                        new org.bouncycastle.asn1.tsp.TimeStampResp(resp.getStatus(), token).getEncoded()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        var e = assertThrows(BundleVerificationException.class, () -> BundleVerifierConformanceTest
                .verifier(dir("rekor2-happy-path")).verify(b, defaultArtifact(),
                        VerificationPolicy.identity(DEFAULT_IDENTITY, DEFAULT_ISSUER)));
        assertTrue(e.getMessage().contains("not CMS SignedData"), e.getMessage());
    }

    @Test
    void policy_emptyOrInvalidMatchers_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> VerificationPolicy.identity("", DEFAULT_ISSUER));
        assertThrows(IllegalArgumentException.class, () -> VerificationPolicy.Matcher.regexp("(["));
    }

    @Test
    void checkCodeSigning_leafWithoutCodeSigningEku_isUntrusted() throws Exception {
        var cf = java.security.cert.CertificateFactory.getInstance("X.509");
        var ca = (java.security.cert.X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(selfSignedCa()));
        var e = assertThrows(BundleVerificationException.UntrustedCertificate.class,
                () -> BundleVerifier.checkCodeSigning(ca, java.time.Instant.EPOCH));
        assertTrue(e.getMessage().contains("code signing"), e.getMessage());
    }

    /** A leaf that says code signing but is a CA (it could issue certificates for any identity) is refused. */
    @Test
    void checkCodeSigning_caLeafWithCodeSigningEku_isUntrusted() throws Exception {
        KeyPair kp = ecKey();
        X500Name name = new X500Name("CN=signer-ca");
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.TWO, new Date(0), new Date(4102444800000L), name,
                kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.extendedKeyUsage, false,
                new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_codeSigning));
        var cf = java.security.cert.CertificateFactory.getInstance("X.509");
        var leaf = (java.security.cert.X509Certificate) cf.generateCertificate(new java.io.ByteArrayInputStream(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded()));
        var e = assertThrows(BundleVerificationException.UntrustedCertificate.class,
                () -> BundleVerifier.checkCodeSigning(leaf, java.time.Instant.EPOCH));
        assertTrue(e.getMessage().contains("is a CA certificate"), e.getMessage());
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static byte[] selfSignedCa() throws Exception {
        KeyPair kp = ecKey();
        X500Name name = new X500Name("O=sigstore.dev,CN=sigstore");
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(0), new Date(4102444800000L), name, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
    }
}
