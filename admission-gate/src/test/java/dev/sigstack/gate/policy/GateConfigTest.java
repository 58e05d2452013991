package dev.sigstack.gate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replays policy-controller's {@code pkg/config/testdata}: the {@code data} map gives the defaults (deny), and the
 * {@code _example} block (read as knative's ConfigMapsFromTestFile does) gives the expected setting.
 */
class GateConfigTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"allow-all,ALLOW,true", "deny-all-explicit,DENY,true", "warn-all,WARN,true",
            "deny-all-default,DENY,true", "allow-empty-authorities,DENY,false"})
    void fromData_upstreamFile_expectedSettings(String file, GateConfig.NoMatchPolicy want, boolean failOnEmpty)
            throws IOException {
        Path dir = Vectors.dirOrNull("policy-controller/pkg/config/testdata");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        JsonNode cm = PolicyParser.documents(Files.readString(dir.resolve(file + ".yaml"))).get(0);
        Map<String, String> data = new LinkedHashMap<>();
        cm.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        assertEquals(GateConfig.NoMatchPolicy.DENY, GateConfig.fromData(data).noMatchPolicy(), "data without keys");
        Map<String, String> example = new LinkedHashMap<>();
        PolicyParser.documents(data.getOrDefault("_example", "")).forEach(
                n -> n.properties().forEach(e -> example.put(e.getKey(), e.getValue().asText())));
        GateConfig c = GateConfig.fromData(example);
        assertEquals(want, c.noMatchPolicy());
        assertEquals(failOnEmpty, c.failOnEmptyAuthorities());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"enable-oci11,true"})
    void fromData_oci11File_enabled(String file, boolean want) throws IOException {
        Path dir = Vectors.dirOrNull("policy-controller/pkg/config/testdata");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        JsonNode cm = PolicyParser.documents(Files.readString(dir.resolve(file + ".yaml"))).get(0);
        Map<String, String> data = new LinkedHashMap<>();
        cm.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        assertEquals(want, GateConfig.fromData(data).enableOci11());
        Map<String, String> bad = Map.of("enable-oci11", "not-a-boolean");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GateConfig.fromData(bad));
        assertEquals("config-policy-controller: enable-oci11: strconv.ParseBool: parsing \"not-a-boolean\": "
                + "invalid syntax", e.getMessage());
    }
}
