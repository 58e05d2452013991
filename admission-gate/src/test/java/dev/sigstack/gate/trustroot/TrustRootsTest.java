package dev.sigstack.gate.trustroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sigstack.core.testing.Vectors;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.policy.PolicyParser;
import dev.sigstack.gate.verify.TrustedMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** TrustRoot resources: upstream's sigstoreKeys vector and refusals. */
class TrustRootsTest {
    @Test
    void read_upstreamSigstoreKeys_allMaterial() throws Exception {
        Path dir = Vectors.dirOrNull("policy-controller/test/testdata/trustroot/valid");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        TrustedMaterial tm = TrustRoots.read(PolicyParser.documents(Files.readString(dir.resolve(
                "valid-sigstore-keys.yaml"))).get(0));
        assertEquals("bring-your-own-sigstore-keys", tm.name());
        assertEquals(1, tm.caCertificates().size());
        assertEquals(1, tm.tlogKeys().size());
        assertEquals(1, tm.ctlogKeys().size());
        assertEquals(3, tm.tsaCertificates().size());
    }

    @Test
    void read_hostileMirrorFs_refused() {
        String doc = """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: TrustRoot
                metadata: {name: broken}
                spec:
                  repository:
                    root: %s
                    mirrorFS: %s
                """.formatted(Base64.getEncoder().encodeToString("{}".getBytes()),
                Base64.getEncoder().encodeToString(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0}));
        PolicyException e = assertThrows(PolicyException.class, () -> TrustRoots.read(PolicyParser.documents(doc)
                .get(0)));
        assertTrue(e.getMessage().startsWith("spec.repository.mirrorFS: "), e.getMessage());
    }

    @Test
    void read_noSourceOrTwo_refused() {
        String none = "apiVersion: policy.sigstore.dev/v1alpha1\nkind: TrustRoot\nmetadata: {name: x}\nspec: {}\n";
        assertTrue(assertThrows(PolicyException.class, () -> TrustRoots.read(PolicyParser.documents(none).get(0)))
                .getMessage().contains("expected exactly one, got neither"));
        String remoteNoMirror = "apiVersion: policy.sigstore.dev/v1alpha1\nkind: TrustRoot\nmetadata: {name: x}\n"
                + "spec: {remote: {root: e30=}}\n";
        assertTrue(assertThrows(PolicyException.class, () -> TrustRoots.read(PolicyParser.documents(remoteNoMirror)
                .get(0))).getMessage().contains("spec.remote.mirror"));
    }
}
