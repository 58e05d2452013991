package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.testing.TestPolicies;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15 item 2: every way to run an image reaches the policy: pods, every workload kind, CronJob templates, a Pod
 * created by a Job, ephemeral containers ({@code kubectl debug}) and image volumes ({@code volumes[].image}). The
 * policy refuses {@code registry.internal/**} and passes {@code trusted.internal/**}; each workload hides one refused
 * image somewhere, and the gate must find it.
 */
class WorkloadCoverageTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BAD = "registry.internal/team/app@sha256:" + "b".repeat(64);
    static final String GOOD = "trusted.internal/team/app@sha256:" + "a".repeat(64);
    static final List<CompiledPolicy> POLICIES = TestPolicies.compile("""
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: refuse-internal}
            spec:
              images: [{glob: "registry.internal/**"}]
              authorities: [{static: {action: fail, message: unsigned}}]
            ---
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: pass-trusted}
            spec:
              images: [{glob: "trusted.internal/**"}]
              authorities: [{static: {action: pass}}]
            """);

    static final class Included implements Cluster {
        @Override
        public Optional<Map<String, String>> namespaceLabels(String namespace) {
            return Optional.of(Map.of("policy.sigstore.dev/include", "true"));
        }

        @Override
        public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
                String reason, String message) {
        }
    }

    static AdmissionHandler handler(GateSettings.Mutation mutation) {
        PolicyEngine engine = TestPolicies.engine(POLICIES);
        return new AdmissionHandler(engine, new Included(), new GateSettings(mutation, "policy.sigstore.dev/include",
                "sigstack.dev/break-glass", null), new GateMetrics());
    }

    static String podSpec(String image, String volumeImage) {
        String volumes = volumeImage == null ? "" : ",\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}},"
                + "{\"name\":\"model\",\"image\":{\"reference\":\"" + volumeImage + "\",\"pullPolicy\":\"IfNotPresent\"}}]";
        return "{\"initContainers\":[{\"name\":\"init\",\"image\":\"" + GOOD + "\"}],\"containers\":[{\"name\":\"c\","
                + "\"image\":\"" + image + "\"}]" + volumes + "}";
    }

    /** The workload as the API server sends it, with {@code spec} at the kind's pod spec path. */
    static String object(Workloads.Kind k, String spec) {
        String apiVersion = k.group().isEmpty() ? "v1" : k.group() + "/v1";
        String wrapped = spec;
        List<String> path = k.podSpec();
        for (int i = path.size() - 1; i >= 1; i--) {
            wrapped = "{\"" + path.get(i) + "\":" + wrapped + "}";
        }
        return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + k.kind() + "\",\"metadata\":{\"name\":\"w\","
                + "\"namespace\":\"prod\"},\"spec\":" + wrapped + "}";
    }

    static String review(Workloads.Kind k, String op, String subResource, String object, String oldObject) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                 "uid":"u-1","kind":{"group":"%s","version":"v1","kind":"%s"},
                 "resource":{"group":"%s","version":"v1","resource":"%s"},%s
                 "name":"w","namespace":"prod","operation":"%s","userInfo":{"username":"alice"},
                 "object":%s,"oldObject":%s}}
                """.formatted(k.group(), k.kind(), k.group(), k.resource(),
                subResource == null ? "" : "\"subResource\":\"" + subResource + "\",", op, object,
                oldObject == null ? "null" : oldObject);
    }

    static JsonNode send(AdmissionHandler h, String path, String review) throws Exception {
        byte[] out = path.equals("/mutate") ? h.mutate(review.getBytes(StandardCharsets.UTF_8))
                : h.validate(review.getBytes(StandardCharsets.UTF_8));
        return JSON.readTree(out).path("response");
    }

    static Stream<Arguments> kinds() {
        return Workloads.KINDS.stream().map(k -> Arguments.of(k.kind(), k));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void validate_everyWorkloadKind_refusedImageFound(String name, Workloads.Kind k) throws Exception {
        AdmissionHandler h = handler(GateSettings.Mutation.OFF);
        String prefix = String.join(".", k.podSpec());
        JsonNode bad = send(h, "/validate", review(k, "CREATE", null, object(k, podSpec(BAD, null)), null));
        assertFalse(bad.path("allowed").asBoolean(), bad.toString());
        String msg = bad.path("status").path("message").asText();
        assertTrue(msg.contains("failed policy: refuse-internal") && msg.contains(prefix + ".containers[0].image"),
                msg);
        JsonNode good = send(h, "/validate", review(k, "CREATE", null, object(k, podSpec(GOOD, null)), null));
        assertTrue(good.path("allowed").asBoolean(), good.toString());
        // An UPDATE that swaps the image in is checked too.
        JsonNode swapped = send(h, "/validate", review(k, "UPDATE", null, object(k, podSpec(BAD, null)),
                object(k, podSpec(GOOD, null))));
        assertFalse(swapped.path("allowed").asBoolean(), swapped.toString());
        // The chart's rules (the handler's list) send this kind to the gate.
        assertTrue(RenderedChart.tuples(Workloads.rules()).contains(k.group() + "|v1|" + k.resource()
                + "|CREATE|Namespaced"), k.resource());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void validate_imageVolume_refusedImageFound(String name, Workloads.Kind k) throws Exception {
        AdmissionHandler h = handler(GateSettings.Mutation.OFF);
        JsonNode bad = send(h, "/validate", review(k, "CREATE", null, object(k, podSpec(GOOD, BAD)), null));
        assertFalse(bad.path("allowed").asBoolean(), bad.toString());
        String msg = bad.path("status").path("message").asText();
        assertTrue(msg.contains(String.join(".", k.podSpec()) + ".volumes[1].image"), msg);
        JsonNode good = send(h, "/validate", review(k, "CREATE", null, object(k, podSpec(GOOD, GOOD)), null));
        assertTrue(good.path("allowed").asBoolean(), good.toString());
    }

    @Test
    void validate_imageVolumeByTag_withMutation_mustBeDigest() throws Exception {
        AdmissionHandler h = handler(GateSettings.Mutation.ALL);
        Workloads.Kind pod = Workloads.KINDS.get(0);
        JsonNode r = send(h, "/validate", review(pod, "CREATE", null, object(pod,
                podSpec(GOOD, "trusted.internal/models/llm:v1")), null));
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertTrue(r.path("status").path("message").asText().contains("must be an image digest"), r.toString());
    }

    @Test
    void validate_podCreatedByJob_verified() throws Exception {
        AdmissionHandler h = handler(GateSettings.Mutation.OFF);
        Workloads.Kind pod = Workloads.KINDS.get(0);
        ObjectNode p = (ObjectNode) JSON.readTree(object(pod, podSpec(BAD, null)));
        ObjectNode meta = (ObjectNode) p.get("metadata");
        meta.put("name", "backup-28917360-x7k2p");
        meta.putObject("labels").put("job-name", "backup-28917360").put("batch.kubernetes.io/controller-uid", "u");
        meta.putArray("ownerReferences").addObject().put("apiVersion", "batch/v1").put("kind", "Job")
                .put("name", "backup-28917360").put("uid", "u").put("controller", true);
        JsonNode r = send(h, "/validate", review(pod, "CREATE", null, p.toString(), null));
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertTrue(r.path("status").path("message").asText().contains("spec.containers[0].image"), r.toString());
    }

    @Test
    void validate_ephemeralContainer_kubectlDebug_refused() throws Exception {
        AdmissionHandler h = handler(GateSettings.Mutation.OFF);
        Workloads.Kind pod = Workloads.KINDS.get(0);
        String before = object(pod, podSpec(GOOD, null));
        ObjectNode after = (ObjectNode) JSON.readTree(before);
        ((ObjectNode) after.get("spec")).putArray("ephemeralContainers").addObject().put("name", "debugger")
                .put("image", BAD).put("targetContainerName", "c");
        JsonNode r = send(h, "/validate", review(pod, "UPDATE", Workloads.EPHEMERAL, after.toString(), before));
        assertFalse(r.path("allowed").asBoolean(), r.toString());
        assertTrue(r.path("status").path("message").asText().contains("spec.ephemeralContainers[0].image"),
                r.toString());
    }

    @Test
    void images_podSpec_everyContainerListAndImageVolume() throws Exception {
        JsonNode spec = JSON.readTree("{\"initContainers\":[{\"image\":\"a\"}],\"containers\":[{\"image\":\"b\"}],"
                + "\"ephemeralContainers\":[{\"image\":\"c\"}],\"volumes\":[{\"name\":\"x\",\"emptyDir\":{}},"
                + "{\"name\":\"y\",\"image\":{\"reference\":\"d\"}}]}");
        assertEquals(List.of("a", "b", "c", "d"), Workloads.images(spec, false).stream()
                .map(Workloads.Image::reference).toList());
        assertEquals(List.of("/volumes/1/image/reference"), Workloads.images(spec, false).stream()
                .filter(Workloads.Image::volume).map(Workloads.Image::pointer).toList());
        assertEquals(List.of("c"), Workloads.images(spec, true).stream().map(Workloads.Image::reference).toList());
    }
}
