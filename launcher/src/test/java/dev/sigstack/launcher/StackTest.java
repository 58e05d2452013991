package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class StackTest {
    @TempDir
    Path dataDir;

    @Test
    void start_writesStackJsonWhoseUrlsAnswer_andRestartKeepsTheLogKey() throws Exception {
        String key;
        // first start creates keys and the TUF repository; the second reuses them
        try (Stack stack = Stack.start(new Stack.Settings(dataDir, "127.0.0.1", 0, null))) {
            JsonNode json = new ObjectMapper().readTree(dataDir.resolve("stack.json").toFile());
            String checkpoint = json.at("/services/rekorV2/checkpoint").asText();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(checkpoint)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            // the checkpoint's origin is the host of the log's URL (sigstore-js matches the signer name to it)
            assertTrue(r.body().startsWith("127.0.0.1\n0\n"), r.body());
            assertTrue(checkpoint.contains("//127.0.0.1:"), checkpoint);
            String log = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(json.at("/services/rekor/url").asText() + "/api/v1/log")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(log.contains("\"treeSize\":0"), log);
            String trustedRoot = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(json.at("/services/tuf/mirror").asText() + "/1.root.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(trustedRoot.replace(" ", "").contains("\"_type\":\"root\""), trustedRoot);
            key = json.at("/services/ca/url").asText();
            // the gate serves AdmissionReviews over TLS with the certificate stack.json names, and its default
            // policy refuses an image it cannot verify (fail closed: the registry does not exist)
            GateClient gate = new GateClient(json.at("/services/gate/url").asText(), stack.gate().certificate());
            GateClient.Decision d = gate.pod("default", "web", "127.0.0.1:1/app@sha256:" + "ab".repeat(32));
            assertFalse(d.allowed(), d.message());
            assertTrue(d.message().contains("failed policy: sigstack-keyless"), d.message());
            // a broken policy file is refused and the policies in force stay (the image is still checked and
            // refused by sigstack-keyless, not admitted for want of a policy)
            java.nio.file.Files.writeString(stack.gate().policyDir().resolve("broken.yaml"),
                    "apiVersion: policy.sigstore.dev/v1beta1\nkind: ClusterImagePolicy\nmetadata: {name: b}\n"
                            + "spec: {images: [{glob: 'a['}]}\n");
            Thread.sleep(1_100);
            GateClient.Decision after = gate.pod("default", "web", "127.0.0.1:1/app@sha256:" + "ab".repeat(32));
            assertFalse(after.allowed(), after.message());
            assertTrue(after.message().contains("failed policy: sigstack-keyless"), after.message());
            String trustRoot = java.nio.file.Files.readString(Path.of(json.at("/services/gate/trustRoot").asText()));
            assertTrue(trustRoot.contains("kind: TrustRoot") && trustRoot.contains("mirrorFS: "), trustRoot);
            assertTrue(stack.banner().contains(stack.tlogUrl()));
            // a second stack on the same data directory stops before it starts anything, and says why
            var inUse = org.junit.jupiter.api.Assertions.assertThrows(Stack.DataDirectoryInUseException.class,
                    () -> Stack.start(new Stack.Settings(dataDir, "127.0.0.1", 0, null)).close());
            assertTrue(inUse.getMessage().contains("in use by another sigstack run")
                    && inUse.getMessage().contains("--data-dir"), inUse.getMessage());
        }
        // with a broken policy file the stack does not start, and says which file
        var refused = org.junit.jupiter.api.Assertions.assertThrows(dev.sigstack.gate.policy.PolicyException.class,
                () -> Stack.start(new Stack.Settings(dataDir, "127.0.0.1", 0, null)).close());
        assertTrue(refused.getMessage().contains("broken.yaml") && refused.getMessage().contains("glob"),
                refused.getMessage());
        java.nio.file.Files.delete(dataDir.resolve("gate/policies/broken.yaml"));
        try (Stack again = Stack.start(new Stack.Settings(dataDir, "127.0.0.1", 0, null))) {
            JsonNode json = new ObjectMapper().readTree(dataDir.resolve("stack.json").toFile());
            assertTrue(json.at("/services/tuf/root").asText().endsWith("1.root.json"));
            assertEquals(1, java.nio.file.Files.list(dataDir.resolve("tuf/repository"))
                    .filter(p -> p.getFileName().toString().endsWith(".root.json")).count(),
                    "a restart keeps the same root");
            // the managed default policy follows this run's URLs (free ports differ between runs)
            String policy = java.nio.file.Files.readString(again.gate().policyDir().resolve(StandaloneGate.DEFAULT_POLICY));
            assertTrue(policy.contains("issuer: " + again.issuerUrl() + "\n"), policy);
        }
    }
}
