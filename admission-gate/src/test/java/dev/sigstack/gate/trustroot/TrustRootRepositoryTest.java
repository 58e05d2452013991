package dev.sigstack.gate.trustroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.tuf.Metadata;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.policy.PolicyParser;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.verify.TrustedMaterial;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A TrustRoot {@code repository}: a TUF repository (root, targets, snapshot, timestamp signed with core's
 * {@code Metadata.sign}) serialized as a mirrorFS, read entirely from the resource through core's TUF client.
 */
class TrustRootRepositoryTest {
    static final TestCa CA = new TestCa("tuf-case-ca");
    static final KeyPair REKOR = Cosign.ecKey();
    static final KeyPair TUF = Cosign.ecKey();

    static ObjectNode signedHeader(String type, Instant expires) {
        ObjectNode s = Cosign.JSON.createObjectNode();
        s.put("_type", type);
        s.put("spec_version", "1.0.31");
        s.put("version", 1);
        s.put("expires", expires.truncatedTo(ChronoUnit.SECONDS).toString());
        return s;
    }

    /** Repository files (relative paths) and the initial root, for a trusted_root.json target. */
    static Map<String, byte[]> repository(byte[] trustedRoot, Instant expires) throws Exception {
        TufSigner signer = TufSigner.of(TUF.getPrivate(), TUF.getPublic(), null);
        TufKey key = signer.key();
        ObjectNode root = signedHeader("root", expires);
        root.put("consistent_snapshot", false);
        root.putObject("keys").set(key.keyId(), key.toJson());
        ObjectNode roles = root.putObject("roles");
        for (String r : List.of("root", "targets", "snapshot", "timestamp")) {
            ObjectNode role = roles.putObject(r);
            role.putArray("keyids").add(key.keyId());
            role.put("threshold", 1);
        }
        ObjectNode targets = signedHeader("targets", expires);
        ObjectNode t = targets.putObject("targets").putObject("trusted_root.json");
        t.put("length", trustedRoot.length);
        t.putObject("hashes").put("sha256", Digests.sha256(trustedRoot).substring(7));
        byte[] targetsJson = Metadata.sign(targets, List.of(signer));
        ObjectNode snapshot = signedHeader("snapshot", expires);
        snapshot.putObject("meta").putObject("targets.json").put("version", 1);
        byte[] snapshotJson = Metadata.sign(snapshot, List.of(signer));
        ObjectNode timestamp = signedHeader("timestamp", expires);
        timestamp.putObject("meta").putObject("snapshot.json").put("version", 1);
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] rootJson = Metadata.sign(root, List.of(signer));
        files.put("1.root.json", rootJson);
        files.put("root.json", rootJson);
        files.put("targets.json", targetsJson);
        files.put("snapshot.json", snapshotJson);
        files.put("timestamp.json", Metadata.sign(timestamp, List.of(signer)));
        files.put("targets/trusted_root.json", trustedRoot);
        return files;
    }

    static String trustRootDoc(Map<String, byte[]> files) throws Exception {
        return """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: TrustRoot
                metadata: {name: site}
                spec:
                  repository:
                    root: %s
                    mirrorFS: %s
                """.formatted(Base64.getEncoder().encodeToString(files.get("1.root.json")),
                Base64.getEncoder().encodeToString(MirrorFs.pack(files, 0)));
    }

    static byte[] trustedRootJson() throws Exception {
        TrustedMaterial tm = new TrustedMaterial("x", "1", List.of(CA.root), List.of(CA.ctKey.getPublic()),
                List.of(REKOR.getPublic()), List.of());
        return JsonFormat.printer().print(tm.trustedRoot()).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void read_repositoryTrustRoot_materialFromTufTarget() throws Exception {
        Map<String, byte[]> files = repository(trustedRootJson(), Instant.now().plus(30, ChronoUnit.DAYS));
        TrustedMaterial tm = TrustRoots.read(PolicyParser.documents(trustRootDoc(files)).get(0));
        assertEquals("site", tm.name());
        assertEquals(List.of(CA.root), tm.caCertificates());
        assertEquals(List.of(REKOR.getPublic()), tm.tlogKeys());
        assertEquals(List.of(CA.ctKey.getPublic()), tm.ctlogKeys());
        assertTrue(tm.trustedRoot() != null);
    }

    @Test
    void read_tamperedTargetOrExpiredMetadata_refused() throws Exception {
        Map<String, byte[]> files = repository(trustedRootJson(), Instant.now().plus(30, ChronoUnit.DAYS));
        byte[] tampered = files.get("targets/trusted_root.json").clone();
        tampered[tampered.length - 2] ^= 1;
        files.put("targets/trusted_root.json", tampered);
        PolicyException e = assertThrows(PolicyException.class,
                () -> TrustRoots.read(PolicyParser.documents(trustRootDoc(files)).get(0)));
        assertTrue(e.getMessage().startsWith("TrustRoot site: TUF update failed: "), e.getMessage());
        Map<String, byte[]> expired = repository(trustedRootJson(), Instant.now().minus(1, ChronoUnit.DAYS));
        e = assertThrows(PolicyException.class,
                () -> TrustRoots.read(PolicyParser.documents(trustRootDoc(expired)).get(0)));
        assertTrue(e.getMessage().contains("TUF update failed"), e.getMessage());
    }
}
