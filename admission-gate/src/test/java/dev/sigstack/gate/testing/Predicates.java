package dev.sigstack.gate.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** Real predicates: SLSA provenance v1 and a CycloneDX 1.5 SBOM, as CI tools write them. */
public final class Predicates {
    private Predicates() {
    }

    /**
     * SLSA provenance v1 as the site's CI writes it for a workflow run: the build definition names the workflow file,
     * repository, ref and the commit it resolved; the run details name the builder, its version and the run.
     */
    public static JsonNode slsaV1(String builderId, String repoUri, String ref, String workflowPath, String commit,
            String invocationUri) {
        return Cosign.tree(("""
                {"buildDefinition":{
                   "buildType":"https://ci.git.internal/buildtypes/workflow/v1",
                   "externalParameters":{"workflow":{"ref":"%1$s","repository":"%2$s","path":"%3$s"}},
                   "internalParameters":{"trigger":"push","runner":"self-hosted","image":"ci-runner:2026.11"},
                   "resolvedDependencies":[
                     {"uri":"git+%2$s@%1$s","digest":{"gitCommit":"%4$s"}},
                     {"uri":"pkg:docker/eclipse-temurin@21-jre","digest":{"sha256":
                       "6f8e0f1c4b9d3a2e5c7b8a9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b"}}]},
                 "runDetails":{
                   "builder":{"id":"%5$s","version":{"ci":"3.4.1"}},
                   "metadata":{"invocationId":"%6$s","startedOn":"2026-11-20T10:00:00Z",
                               "finishedOn":"2026-11-20T10:05:00Z"},
                   "byproducts":[{"name":"build.log","digest":{"sha256":
                       "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"}}]}}
                """).formatted(ref, repoUri, workflowPath, commit, builderId, invocationUri)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    /** A CycloneDX 1.5 BOM with the given components (name, version, licence id, and optionally the Maven group). */
    public static JsonNode cycloneDx(String[][] components) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < components.length; i++) {
            String[] c = components[i];
            sb.append(i == 0 ? "" : ",").append("""
                    {"type":"library","bom-ref":"pkg:maven/%4$s/%1$s@%2$s","group":"%4$s","name":"%1$s",
                     "version":"%2$s","purl":"pkg:maven/%4$s/%1$s@%2$s","licenses":[{"license":{"id":"%3$s"}}]}"""
                    .formatted(c[0], c[1], c[2], c.length > 3 ? c[3] : "org.example"));
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
