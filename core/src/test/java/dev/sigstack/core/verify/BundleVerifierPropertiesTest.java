package dev.sigstack.core.verify;

import dev.sigstack.core.bundle.SigstoreBundle;
import dev.sigstack.core.bundle.TlogVerificationException;
import dev.sigstack.core.bundle.TlogVerifier;
import dev.sigstack.core.testing.Hostile;
import dev.sigstack.core.testing.NeedsVectors;
import dev.sigstack.core.testing.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Generated hostile Sigstore bundles from real upstream bundles that verify (sigstore-conformance happy paths, Rekor
 * v1 and v2): {@link SigstoreBundle#parse} throws MalformedBundle, {@link TlogVerifier#verify} a
 * TlogVerificationException and {@link BundleVerifier#verify} a BundleVerificationException, never anything else.
 * A second property flips one bit in bytes that are signed or hashed (signature, certificate, canonicalized body,
 * inclusion-proof hashes and root hash, signed entry timestamp, artifact digest, DSSE payload, the TSTInfo of an
 * RFC 3161 timestamp):
 * every such bundle must be refused by every case's verifier, so a verifier that wrongly accepts fails it.
 */
@AddLifecycleHook(NeedsVectors.class)
class BundleVerifierPropertiesTest {
    private static final String[] CASES = {"happy-path-v0.3", "rekor2-happy-path", "happy-path-intoto-in-dsse-v3"};

    private static Path dir(String name) {
        return Vectors.dirOrNull("sigstore-conformance/bundle-verify").resolve(name);
    }

    /** One case: its bundle bytes, verifier and policy. */
    record Case(byte[] bundle, BundleVerifier verifier, VerificationPolicy policy, TlogVerifier tlog) {
    }

    private static final List<Case> LOADED = new ArrayList<>();

    private static synchronized List<Case> cases() throws Exception {
        if (LOADED.isEmpty()) {
            for (String c : CASES) {
                Path d = dir(c);
                Path trusted = Files.exists(d.resolve("trusted_root.json")) ? d.resolve("trusted_root.json")
                        : d.getParent().getParent().resolve("production-trusted_root.json");
                byte[] root = Files.readAllBytes(trusted);
                LOADED.add(new Case(Files.readAllBytes(d.resolve("bundle.sigstore.json")),
                        BundleVerifierConformanceTest.verifier(d), BundleVerifierConformanceTest.policy(d),
                        new TlogVerifier(TlogVerifier.parseTrustedRoot(root))));
            }
        }
        return LOADED;
    }

    @Provide
    Arbitrary<byte[]> hostileBundles() throws Exception {
        List<byte[]> samples = cases().stream().map(Case::bundle).toList();
        return Arbitraries.oneOf(Hostile.jsonMutations(samples), Hostile.jsonMutations(samples),
                Hostile.jsonMutations(samples), Hostile.mutations(samples));
    }

    /** Where signed or hashed bytes sit in a bundle (base64 text); paths absent from a sample are skipped. */
    static final List<String> SIGNED = List.of("/messageSignature/signature", "/messageSignature/messageDigest/digest",
            "/dsseEnvelope/payload", "/dsseEnvelope/signatures/0/sig", "/verificationMaterial/certificate/rawBytes",
            "/verificationMaterial/x509CertificateChain/certificates/0/rawBytes",
            "/verificationMaterial/tlogEntries/0/canonicalizedBody",
            "/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp",
            "/verificationMaterial/tlogEntries/0/inclusionProof/rootHash",
            "/verificationMaterial/tlogEntries/0/inclusionProof/hashes/*",
            "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp");

    /** A sample bundle with one bit flipped in one signed or hashed field, and where. */
    record Tampered(String path, byte[] bundle) {
        @Override
        public String toString() {
            return "Tampered(" + path + ")";
        }
    }

    static Tampered tamper(byte[] sample, int field, int bit) {
        try {
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode root = m.readTree(sample);
            List<String> present = new ArrayList<>();
            for (String p : SIGNED) {
                if (p.endsWith("/*")) {
                    String base = p.substring(0, p.length() - 2);
                    for (int i = 0; i < root.at(base).size(); i++) {
                        present.add(base + "/" + i);
                    }
                } else if (root.at(p).isTextual()) {
                    present.add(p);
                }
            }
            String path = present.get(field % present.size());
            com.fasterxml.jackson.core.JsonPointer ptr = com.fasterxml.jackson.core.JsonPointer.compile(path);
            byte[] value = java.util.Base64.getDecoder().decode(root.at(ptr).asText());
            int from = 0;
            int length = value.length;
            if (path.endsWith("/signedTimestamp")) {
                // a TimeStampResp (status, token); the token also carries unsigned parts (its certificates, the signer's id, the outer
                // content type): flip only inside the signed TSTInfo
                byte[] tst = org.bouncycastle.asn1.cms.SignedData.getInstance(org.bouncycastle.asn1.cms.ContentInfo
                        .getInstance(org.bouncycastle.asn1.ASN1Sequence.getInstance(value).getObjectAt(1)).getContent()).getEncapContentInfo().getContent()
                        .toASN1Primitive().getEncoded();
                from = indexOf(value, tst);
                length = tst.length;
            }
            value[from + (bit / 8) % length] ^= (byte) (1 << (bit % 8));
            com.fasterxml.jackson.databind.JsonNode parent = root.at(ptr.head());
            String encoded = java.util.Base64.getEncoder().encodeToString(value);
            if (parent instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
                a.set(ptr.last().getMatchingIndex(), m.getNodeFactory().textNode(encoded));
            } else {
                ((com.fasterxml.jackson.databind.node.ObjectNode) parent).put(ptr.last().getMatchingProperty(),
                        encoded);
            }
            return new Tampered(path, m.writeValueAsBytes(root));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new IllegalStateException("TSTInfo not found in the timestamp token");
    }

    @Provide
    Arbitrary<Tampered> tamperedBundles() throws Exception {
        List<byte[]> samples = cases().stream().map(Case::bundle).toList();
        return net.jqwik.api.Combinators.combine(Arbitraries.of(samples), Arbitraries.integers().between(0, 1 << 10),
                Arbitraries.integers().between(0, 1 << 20)).as(BundleVerifierPropertiesTest::tamper);
    }

    /** The oracle's premise: every sample verifies unmutated with its own case (else the property proves nothing). */
    @net.jqwik.api.Example
    void verify_unmutatedSamples_pass() throws Exception {
        for (Case c : cases()) {
            c.verifier().verify(c.bundle(), artifact(), c.policy());
        }
    }

    @Property(tries = 300)
    void verify_signedBytesTampered_refused(@ForAll("tamperedBundles") Tampered t) throws Exception {
        Artifact artifact = artifact();
        for (Case c : cases()) {
            Object ok = Hostile.refusesCleanly("verify " + t.path().replaceAll("/\\d+$", "/n"), () -> {
                c.verifier().verify(t.bundle(), artifact, c.policy());
                return Boolean.TRUE;
            }, BundleVerificationException.class);
            if (ok != null) {
                throw new AssertionError("a bundle with a bit flipped in " + t.path() + " verified");
            }
        }
    }

    private static Artifact artifact() throws Exception {
        return Artifact.read(dir("a.txt").getParent().resolve("a.txt"));
    }

    @Property(tries = 500)
    void verify_mutatedBundle_documentedExceptions(@ForAll("hostileBundles") byte[] json) throws Exception {
        Artifact artifact = Artifact.read(dir("a.txt").getParent().resolve("a.txt"));
        Object parsed = Hostile.refusesCleanly("parse", () -> SigstoreBundle.parse(json),
                TlogVerificationException.MalformedBundle.class);
        for (Case c : cases()) {
            if (parsed instanceof SigstoreBundle b) {
                Hostile.refusesCleanly("tlog", () -> c.tlog().verify(b), TlogVerificationException.class);
            }
            Hostile.refusesCleanly("verify", () -> c.verifier().verify(json, artifact, c.policy()),
                    BundleVerificationException.class);
        }
    }
}
