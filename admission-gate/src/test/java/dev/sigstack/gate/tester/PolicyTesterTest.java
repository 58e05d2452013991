package dev.sigstack.gate.tester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.testing.Cosign;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy tester CLI against a real registry: JSON out, exit codes. */
class PolicyTesterTest {
    static TestRegistry reg;
    static final KeyPair SIGNER = Cosign.ecKey();
    static String signed;
    static String unsigned;

    @BeforeAll
    static void start() throws Exception {
        reg = TestRegistry.start(null, null, null);
        String d = reg.pushImage("ci/app", "v1");
        Cosign.push(reg, "ci/app", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/ci/app", d,
                SIGNER.getPrivate(), Map.of())));
        signed = reg.host() + "/ci/app:v1";
        unsigned = reg.host() + "/ci/other:v1";
        reg.pushImage("ci/other", "v1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (reg != null) {
            reg.close();
        }
    }

    record Run(int code, JsonNode json) {
    }

    static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PolicyTester.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        String text = out.toString(StandardCharsets.UTF_8);
        return new Run(code, text.isBlank() ? null : new ObjectMapper().readTree(text));
    }

    Path policy(Path dir, String mode) throws Exception {
        Path p = dir.resolve("cip.yaml");
        Files.writeString(p, """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: ci-signed}
                spec:
                  mode: %s
                  images: [{glob: "%s/ci/**"}]
                  authorities:
                  - key: {secretRef: {name: ci-key}}
                """.formatted(mode, reg.host()));
        Files.writeString(dir.resolve("ci.pub"), Cosign.pem(SIGNER.getPublic()));
        return p;
    }

    @Test
    void run_signedImage_exit0AllowedJson(@TempDir Path dir) throws Exception {
        Run r = run("--policy", policy(dir, "enforce").toString(), "--image", signed, "--secret",
                "ci-key=" + dir.resolve("ci.pub"));
        assertEquals(0, r.code());
        assertTrue(r.json().path("allowed").asBoolean());
        assertEquals(0, r.json().path("errors").size());
    }

    @Test
    void run_unsignedImage_exit1WithReason(@TempDir Path dir) throws Exception {
        Run r = run("--policy", policy(dir, "enforce").toString(), "--image", unsigned, "--secret",
                "ci-key=" + dir.resolve("ci.pub"));
        assertEquals(1, r.code());
        assertTrue(!r.json().path("allowed").asBoolean());
        assertTrue(r.json().path("errors").get(0).asText().startsWith("failed policy: ci-signed: image\n" + unsigned),
                r.json().toString());
    }

    @Test
    void run_warnModeAndNoMatchWarn_exit0WithWarnings(@TempDir Path dir) throws Exception {
        Path cm = dir.resolve("config.yaml");
        Files.writeString(cm, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-policy-controller}\n"
                + "data:\n  no-match-policy: warn\n");
        Run r = run("--policy", policy(dir, "warn").toString(), "--image", unsigned, "--secret",
                "ci-key=" + dir.resolve("ci.pub"), "--config", cm.toString());
        assertEquals(0, r.code());
        assertTrue(r.json().path("warnings").get(0).asText().startsWith("failed policy: ci-signed"));
        Run nomatch = run("--policy", policy(dir, "enforce").toString(), "--image", "registry.other/x@sha256:"
                + "a".repeat(64), "--config", cm.toString());
        assertEquals(0, nomatch.code());
        assertTrue(nomatch.json().path("warnings").get(0).asText().startsWith("no matching policies"));
    }

    @Test
    void run_invalidPolicy_exit2WithUpstreamError(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("bad.yaml");
        Files.writeString(p, """
                apiVersion: policy.sigstore.dev/v1alpha1
                kind: ClusterImagePolicy
                metadata: {name: bad}
                spec:
                  images: [{glob: "["}]
                  authorities: [{static: {action: pass}}]
                """);
        Run r = run("--policy", p.toString(), "--image", signed);
        assertEquals(2, r.code());
        assertTrue(r.json().path("errors").get(0).asText().contains("invalid value: [: spec.images[0].glob"));
    }
}
