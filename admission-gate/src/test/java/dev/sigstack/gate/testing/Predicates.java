package dev.sigstack.gate.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** Real predicates: SLSA provenance v1 and a CycloneDX 1.5 SBOM, as CI tools write them. */
public final class Predicates {
    private Predicates() {
    }

    /** SLSA provenance v1 from a GitHub-Actions-like builder of the site's CI. */
    public static JsonNode slsaV1(String builderId, String repoUri, String ref) {
        return Cosign.tree(("""
                {"buildDefinition":{
                   "buildType":"https://actions.github.io/buildtypes/workflow/v1",
                   "externalParameters":{"workflow":{"ref":"%s","repository":"%s","path":".github/workflows/release.yml"}},
                   "internalParameters":{"github":{"event_name":"push","repository_id":"42"}},
                   "resolvedDependencies":[{"uri":"git+%s@%s","digest":{"gitCommit":"2f1ad1c3e9a1c0f3d5b4e2a19c7d9e1f0a2b3c4d"}}]},
                 "runDetails":{
                   "builder":{"id":"%s"},
                   "metadata":{"invocationId":"https://ci.internal/runs/1234/attempts/1","startedOn":"2026-11-20T10:00:00Z",
                               "finishedOn":"2026-11-20T10:05:00Z"}}}
                """).formatted(ref, repoUri, repoUri, ref, builderId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A CycloneDX 1.5 BOM with the given components (name, version, licence id). */
    public static JsonNode cycloneDx(String[][] components) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < components.length; i++) {
            String[] c = components[i];
            sb.append(i == 0 ? "" : ",").append("""
                    {"type":"library","bom-ref":"pkg:maven/%1$s@%2$s","name":"%1$s","version":"%2$s",
                     "purl":"pkg:maven/org.example/%1$s@%2$s","licenses":[{"license":{"id":"%3$s"}}]}""".formatted(
                    c[0], c[1], c[2]));
        }
        return Cosign.tree(("""
                {"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
                 "version":1,"metadata":{"timestamp":"2026-11-20T10:05:00Z","tools":{"components":[{"type":"application",
                 "name":"cyclonedx-maven-plugin","version":"2.9.1"}]},"component":{"type":"application","name":"demo",
                 "version":"1.0.0"}},
                 "components":[%s]}
                """).formatted(sb).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
