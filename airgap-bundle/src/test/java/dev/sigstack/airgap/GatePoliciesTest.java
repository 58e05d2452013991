package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.predicate.CuePolicy;
import dev.sigstack.gate.predicate.PolicyViolation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exported policies and settings pass the admission gate's own parser and validator (which
 * follow policy-controller's), and the CUE of the attestation policies admits a good SLSA v1
 * provenance and CycloneDX SBOM and refuses a wrong one.
 */
class GatePoliciesTest {

  @TempDir static java.nio.file.Path dir;
  static SortedMap<String, byte[]> files;
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void export() throws Exception {
    files = BundleFixture.create(dir).export().files();
  }

  static String text(String path) {
    return new String(files.get(path), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"stage1-warn", "stage2-enforce"})
  void exportedPolicies_acceptedByTheGateValidator(String stage) throws Exception {
    String prefix = "kubernetes/" + stage + "/";
    @SuppressWarnings("unchecked")
    Map<String, String> data = YAML.readValue(text(prefix + "config-policy-controller.yaml"), Map.class).get("data")
        instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    GateConfig config = GateConfig.fromData(data);
    assertEquals(stage.equals("stage1-warn") ? "warn" : "deny", config.noMatchPolicyName());
    int n = 0;
    for (String path : files.keySet()) {
      if (path.startsWith(prefix) && !path.endsWith("config-policy-controller.yaml")) {
        List<Policies.Loaded> loaded = Policies.loadAll(text(path), config, "sigstack");
        assertEquals(1, loaded.size(), path);
        assertTrue(loaded.get(0).warnings().isEmpty(), path + ": " + loaded.get(0).warnings());
        n++;
      }
    }
    assertEquals(4, n);
  }

  static CuePolicy cue(String policyFile) throws Exception {
    JsonNode cip = YAML.readTree(text("kubernetes/stage2-enforce/" + policyFile));
    return CuePolicy.compile(cip.at("/spec/authorities/0/attestations/0/policy/data").asText());
  }

  @Test
  void provenanceCue_admitsSlsaV1FromTheSiteBuilderOnly() throws Exception {
    CuePolicy p = cue("acme-slsa-provenance.yaml");
    p.evaluate(JSON.readTree("""
        {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
         "subject": [{"name": "registry.acme.internal/apps/web", "digest": {"sha256": "00"}}],
         "predicate": {"buildDefinition": {"buildType": "https://gitlab.acme.internal/buildtypes/pipeline/v1",
                                           "externalParameters": {}},
                       "runDetails": {"builder": {"id": "https://gitlab.acme.internal/runner/1"}}}}
        """));
    assertThrows(PolicyViolation.class, () -> p.evaluate(JSON.readTree("""
        {"predicateType": "https://slsa.dev/provenance/v1",
         "predicate": {"buildDefinition": {"buildType": "x"},
                       "runDetails": {"builder": {"id": "https://ci.elsewhere.example/runner"}}}}
        """)));
    assertThrows(PolicyViolation.class, () -> p.evaluate(JSON.readTree("""
        {"predicateType": "https://slsa.dev/provenance/v0.2", "predicate": {"builder": {"id": "x"}}}
        """)));
  }

  @Test
  void sbomCue_admitsCycloneDxOnly() throws Exception {
    CuePolicy p = cue("acme-cyclonedx-sbom.yaml");
    p.evaluate(JSON.readTree("""
        {"predicateType": "https://cyclonedx.org/bom",
         "predicate": {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}}
        """));
    assertThrows(PolicyViolation.class, () -> p.evaluate(JSON.readTree("""
        {"predicateType": "https://spdx.dev/Document", "predicate": {"spdxVersion": "SPDX-2.3"}}
        """)));
  }
}
