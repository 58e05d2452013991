package dev.sigstack.gate.admission;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real AdmissionReview JSON posted over TLS to the Helidon server, decided against a real registry. */
class AdmissionServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final KeyPair SIGNER = Cosign.ecKey();
    static TestRegistry reg;
    static AdmissionServer server;
    static AdmissionServer mutatingOff;
    static HttpServer alerts;
    static final BlockingQueue<String> ALERTS = new ArrayBlockingQueue<>(10);
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static final GateMetrics METRICS = new GateMetrics();
    static HttpClient client;
    static javax.net.ssl.SSLContext clientTls;
    static String signed;
    static String unsigned;
    static String signedTag;

    static final class FakeCluster implements Cluster {
        @Override
        public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
            return java.util.Optional.of(switch (namespace) {
                case "prod", "audit" -> Map.of("policy.sigstore.dev/include", "true");
                case "emergency" -> Map.of("sigstack.dev/break-glass", "true");
                default -> Map.of();
            });
        }

        @Override
        public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
                String reason, String message) {
            EVENTS.add(namespace + "/" + kind + "/" + name + " " + type + " " + reason);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        reg = TestRegistry.start(null, null, null);
        String d = reg.pushImage("app/web", "v1");
        Cosign.push(reg, "app/web", d, ".sig", List.of(Cosign.signatureLayer(reg.host() + "/app/web", d,
                SIGNER.getPrivate(), Map.of())));
        signed = reg.host() + "/app/web@" + d;
        signedTag = reg.host() + "/app/web:v1";
        unsigned = reg.host() + "/app/tool@" + reg.pushImage("app/tool", "v1");
        String policy = TestPolicies.keyPolicy("site-signed", reg.host() + "/app/**", SIGNER.getPublic());
        List<CompiledPolicy> ps = TestPolicies.compile(policy);
        PolicyEngine engine = TestPolicies.engine(ps);
        alerts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        alerts.createContext("/alert", ex -> {
            ALERTS.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        alerts.start();
        TestTls tls = new TestTls();
        GateSettings settings = new GateSettings(GateSettings.Mutation.OFF, "policy.sigstore.dev/include",
                "sigstack.dev/break-glass", URI.create("http://127.0.0.1:" + alerts.getAddress().getPort() + "/alert"));
        server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(engine, new FakeCluster(), settings, METRICS), METRICS);
        GateSettings pods = new GateSettings(GateSettings.Mutation.PODS, "policy.sigstore.dev/include",
                "sigstack.dev/break-glass", null);
        mutatingOff = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(engine, new FakeCluster(), pods, new GateMetrics()), new GateMetrics());
        clientTls = tls.clientContext();
        client = HttpClient.newBuilder().sslContext(clientTls).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
            mutatingOff.close();
            alerts.stop(0);
        }
        if (reg != null) {
            reg.close();
        }
    }

    static String review(String op, String kind, String group, String ns, String object, String oldObject,
            String subResource) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                 "uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
                 "kind":{"group":"%s","version":"v1","kind":"%s"},
                 "resource":{"group":"%s","version":"v1","resource":"%s"},
                 %s
                 "requestKind":{"group":"%s","version":"v1","kind":"%s"},
                 "name":"x","namespace":"%s","operation":"%s",
                 "userInfo":{"username":"alice@example.com","groups":["system:authenticated"]},
                 "object":%s,"oldObject":%s,"dryRun":false,
                 "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}
                """.formatted(group, kind, group, Workloads.resource(kind), subResource == null ? ""
                : "\"subResource\":\"" + subResource + "\",", group, kind, ns, op, object,
                oldObject == null ? "null" : oldObject);
    }

    static String pod(String name, String... images) {
        List<String> cs = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            cs.add("{\"name\":\"c" + i + "\",\"image\":\"" + images[i] + "\"}");
        }
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":"
                + "{\"app\":\"web\"}},\"spec\":{\"containers\":[" + String.join(",", cs) + "]}}";
    }

    static JsonNode post(AdmissionServer s, String path, String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("response");
    }

    @Test
    void validate_signedPod_allowedWithEvent() throws Exception {
        JsonNode r = post(server, "/validate", review("CREATE", "Pod", "", "prod", pod("web", signed), null, null));
        assertTrue(r.path("allowed").asBoolean(), r.toString());
        assertEquals("705ab4f5-6393-11e8-b7cc-42010a800002", r.path("uid").asText());
        assertTrue(EVENTS.contains("prod/Pod/web Normal PolicyAdmitted"), EVENTS.toString());
    }

    @Test
    void validate_unsignedPod_deniedWithUpstreamMessage() throws Exception {
        JsonNode r = post(server, "/validate", review("CREATE", "Pod", "", "prod", pod("tool", signed, unsigned),
                null, null));
        assertFalse(r.path("allowed").asBoolean());
        String msg = r.path("status").path("message").asText();
        assertTrue(msg.startsWith("validation failed: failed policy: site-signed: spec.containers[1].image\n"
                + unsigned + " signature key validation failed for authority authority-0 for " + unsigned
                + ": no signatures found"), msg);
        assertEquals(403, r.path("status").path("code").asInt());
        assertTrue(EVENTS.contains("prod/Pod/tool Warning PolicyDenied"), EVENTS.toString());
    }

    @Test
    void validate_workloadKinds_everyContainerListChecked() throws Exception {
        String deployment = """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2,
                 "template":{"metadata":{"labels":{"a":"b"}},"spec":{"initContainers":[{"name":"i","image":"%s"}],
                 "containers":[{"name":"c","image":"%s"}]}}}}""".formatted(unsigned, signed);
        JsonNode r = post(server, "/validate", review("CREATE", "Deployment", "apps", "prod", deployment, null, null));
        assertFalse(r.path("allowed").asBoolean());
        assertTrue(r.path("status").path("message").asText().contains(
                "spec.template.spec.initContainers[0].image"), r.toString());
        String cron = """
                {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj"},"spec":{"schedule":"* * * * *",
                 "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"%s"}]}}}}}}"""
                .formatted(unsigned);
        r = post(server, "/validate", review("CREATE", "CronJob", "batch", "prod", cron, null, null));
        assertTrue(r.path("status").path("message").asText().contains(
                "spec.jobTemplate.spec.template.spec.containers[0].image"), r.toString());
        String scaled = deployment.replace("\"replicas\":2", "\"replicas\":0");
        r = post(server, "/validate", review("UPDATE", "Deployment", "apps", "prod", scaled, deployment, null));
        assertTrue(r.path("allowed").asBoolean(), "a scale-down is not re-checked");
        r = post(server, "/validate", review("UPDATE", "Deployment", "apps", "prod", scaled, deployment, "scale"));
        assertTrue(r.path("allowed").asBoolean(), "the scale subresource is not re-checked");
    }

    @Test
    void validate_ephemeralContainersSubresource_checksEphemeralOnly() throws Exception {
        String p = """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"dbg"},"spec":{"containers":[{"name":"c",
                 "image":"%s"}],"ephemeralContainers":[{"name":"debug","image":"%s"}]}}""".formatted(signed, unsigned);
        JsonNode r = post(server, "/validate", review("UPDATE", "Pod", "", "prod", p, p, "ephemeralcontainers"));
        assertFalse(r.path("allowed").asBoolean());
        assertTrue(r.path("status").path("message").asText().contains("spec.ephemeralContainers[0].image"));
    }

    @Test
    void validate_namespaceNotIncluded_allowedUnchecked() throws Exception {
        JsonNode r = post(server, "/validate", review("CREATE", "Pod", "", "dev", pod("tool", unsigned), null, null));
        assertTrue(r.path("allowed").asBoolean());
    }

    @Test
    void validate_breakGlassNamespace_admittedAuditedAlerted() throws Exception {
        long before = METRICS.breakGlassCount();
        JsonNode r = post(server, "/validate", review("CREATE", "Pod", "", "emergency", pod("fix", unsigned), null,
                null));
        assertTrue(r.path("allowed").asBoolean());
        assertEquals(before + 1, METRICS.breakGlassCount());
        String alert = ALERTS.poll(10, TimeUnit.SECONDS);
        assertTrue(alert != null && alert.contains("\"namespace\":\"emergency\"") && alert.contains(unsigned)
                && alert.contains("alice@example.com"), String.valueOf(alert));
        assertTrue(EVENTS.contains("emergency/Pod/fix Warning BreakGlass"));
        String scrape = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(scrape.contains("sigstack_gate_break_glass_total "), scrape);
        assertTrue(scrape.contains("sigstack_gate_decisions_total{path=\"validate\",result=\"break-glass\"}"), scrape);
    }

    @Test
    void mutate_tagToDigest_patchAndValidateRequiresDigest() throws Exception {
        JsonNode r = post(mutatingOff, "/validate", review("CREATE", "Pod", "", "prod", pod("t", signedTag), null,
                null));
        assertFalse(r.path("allowed").asBoolean());
        assertTrue(r.path("status").path("message").asText().contains("invalid value: " + signedTag
                + " must be an image digest: spec.containers[0].image"), r.toString());
        JsonNode m = post(mutatingOff, "/mutate", review("CREATE", "Pod", "", "prod", pod("t", signedTag), null, null));
        assertTrue(m.path("allowed").asBoolean());
        assertEquals("JSONPatch", m.path("patchType").asText());
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(m.path("patch").asText()));
        assertEquals("replace", patch.get(0).path("op").asText());
        assertEquals("/spec/containers/0/image", patch.get(0).path("path").asText());
        assertEquals(signedTag + "@" + signed.substring(signed.indexOf('@') + 1), patch.get(0).path("value").asText());
        JsonNode dep = post(mutatingOff, "/mutate", review("CREATE", "Deployment", "apps", "prod",
                "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\","
                        + "\"image\":\"" + signedTag + "\"}]}}}}", null, null));
        assertFalse(dep.has("patch"), "mutation scope is pods only");
    }

    @Test
    void mutate_imageVolumeByTag_pinnedAndThenVerified() throws Exception {
        String pod = "{\"metadata\":{\"name\":\"m\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\""
                + signed + "\"}],\"volumes\":[{\"name\":\"cfg\",\"emptyDir\":{}},{\"name\":\"model\","
                + "\"image\":{\"reference\":\"" + signedTag + "\"}}]}}";
        JsonNode r = post(mutatingOff, "/validate", review("CREATE", "Pod", "", "prod", pod, null, null));
        assertFalse(r.path("allowed").asBoolean(), "an image volume by tag must be pinned first");
        assertTrue(r.path("status").path("message").asText().contains("must be an image digest: spec.volumes[1]"),
                r.toString());
        JsonNode m = post(mutatingOff, "/mutate", review("CREATE", "Pod", "", "prod", pod, null, null));
        assertTrue(m.path("allowed").asBoolean(), m.toString());
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(m.path("patch").asText()));
        assertEquals(1, patch.size(), patch.toString());
        assertEquals("/spec/volumes/1/image/reference", patch.get(0).path("path").asText());
        String pinned = patch.get(0).path("value").asText();
        assertEquals(signedTag + "@" + signed.substring(signed.indexOf('@') + 1), pinned);
        JsonNode after = post(mutatingOff, "/validate", review("CREATE", "Pod", "", "prod", pod.replace(
                "\"reference\":\"" + signedTag + "\"", "\"reference\":\"" + pinned + "\""), null, null));
        assertTrue(after.path("allowed").asBoolean(), after.toString());
        String unsignedVolume = pod.replace(signedTag, unsigned);
        JsonNode refused = post(mutatingOff, "/validate", review("CREATE", "Pod", "", "prod", unsignedVolume, null,
                null));
        assertFalse(refused.path("allowed").asBoolean(), refused.toString());
        assertTrue(refused.path("status").path("message").asText().contains("spec.volumes[1].image"),
                refused.toString());
    }

    @Test
    void post_malformedReview_badRequest() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/validate")).POST(HttpRequest.BodyPublishers.ofString("{\"request\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("no request.uid"), r.body());
    }

    @Test
    void post_chunkedReviewWithoutContentLength_decided() throws Exception {
        byte[] body = review("CREATE", "Pod", "", "prod", pod("web", signed), null, null)
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/validate")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).path("response").path("allowed").asBoolean(), r.body());
    }

    @Test
    void post_bodyShorterThanContentLength_refusedNotDecided() throws Exception {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) clientTls.getSocketFactory().createSocket(
                "127.0.0.1", server.port())) {
            s.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 5000\r\n\r\n{\"request\":{\"uid\":\"x\"").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.shutdownOutput();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals("", answer, "a truncated review is never decided: the connection is closed unanswered");
        }
    }
}
