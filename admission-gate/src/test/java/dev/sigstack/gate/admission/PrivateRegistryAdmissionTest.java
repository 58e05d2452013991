package dev.sigstack.gate.admission;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.oci.RegistryCredentials;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

/** A private registry (basic auth): the pod's imagePullSecrets resolve tags and read signatures. */
class PrivateRegistryAdmissionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void mutateAndValidate_privateRegistryWithImagePullSecrets_pinnedAndVerified() throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2y", "pw".toCharArray(), salt, 10);
        KeyPair signer = Cosign.ecKey();
        try (TestRegistry reg = TestRegistry.start("ci:" + hash, "ci", "pw")) {
            String d = reg.pushImage("corp/app", "1.0");
            Cosign.push(reg, "corp/app", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/corp/app", d,
                    signer.getPrivate(), Map.of())));
            String policy = TestPolicies.keyPolicy("corp", reg.host() + "/corp/**", signer.getPublic());
            List<CompiledPolicy> ps = TestPolicies.compile(policy);
            PolicyEngine engine = TestPolicies.engine(ps);
            Cluster cluster = new Cluster() {
                @Override
                public RegistryCredentials pullSecrets(String namespace, List<String> names) {
                    return names.contains("regcred") && namespace.equals("prod")
                            ? RegistryCredentials.of(reg.host(), "ci", "pw") : RegistryCredentials.anonymous();
                }

                @Override
                public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                    return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
                }

                @Override
                public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                        String reason, String message) {
                }
            };
            AdmissionHandler h = new AdmissionHandler(engine, cluster, new GateSettings(GateSettings.Mutation.PODS,
                    "policy.sigstore.dev/include", "sigstack.dev/break-glass", null), new GateMetrics());
            String tagged = reg.host() + "/corp/app:1.0";
            JsonNode m = review(h, true, tagged, "regcred");
            assertTrue(m.path("allowed").asBoolean(), m.toString());
            JsonNode patch = JSON.readTree(Base64.getDecoder().decode(m.path("patch").asText()));
            assertEquals(tagged + "@" + d, patch.get(0).path("value").asText());
            JsonNode noSecret = review(h, true, tagged, "other");
            assertFalse(noSecret.path("allowed").asBoolean(), "fail closed without credentials");
            assertTrue(noSecret.path("status").path("message").asText().contains("HTTP 401"), noSecret.toString());
            assertTrue(review(h, false, tagged + "@" + d, "regcred").path("allowed").asBoolean());
            JsonNode v = review(h, false, tagged + "@" + d, "other");
            assertFalse(v.path("allowed").asBoolean());
            assertTrue(v.path("status").path("message").asText().contains("failed to fetch signatures"), v.toString());
        }
    }

    static JsonNode review(AdmissionHandler h, boolean mutate, String image, String secret) throws Exception {
        String r = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"prod","operation":"CREATE",
                 "object":{"metadata":{"name":"p"},"spec":{"imagePullSecrets":[{"name":"%s"}],
                 "containers":[{"name":"c","image":"%s"}]}}}}""".formatted(secret, image);
        byte[] out = mutate ? h.mutate(r.getBytes(StandardCharsets.UTF_8)) : h.validate(r.getBytes(
                StandardCharsets.UTF_8));
        return JSON.readTree(out).path("response");
    }
}
