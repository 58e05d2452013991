package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.gate.verify.CompiledPolicy;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /validate-policy}: the validating webhook for ClusterImagePolicy and TrustRoot resources, so that
 * {@code kubectl apply} of a policy gets policy-controller's messages ("validation failed: ...") and its warnings, and
 * a policy this gate could not enforce (rego, an uncompilable CUE or CEL policy) is refused up front.
 */
public final class PolicyAdmission {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<GateConfig> config;
    private final String systemNamespace;

    public PolicyAdmission(Supplier<GateConfig> config, String systemNamespace) {
        this.config = config;
        this.systemNamespace = systemNamespace;
    }

    /** Answers an AdmissionReview for a ClusterImagePolicy or TrustRoot. */
    public byte[] validate(byte[] body) {
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed AdmissionReview: " + e.getMessage(), e);
        }
        JsonNode req = review.path("request");
        String uid = req.path("uid").asText("");
        if (uid.isEmpty()) {
            throw new IllegalArgumentException("malformed AdmissionReview: not an AdmissionReview request (no "
                    + "request.uid)");
        }
        String op = req.path("operation").asText("");
        JsonNode obj = req.path("object");
        if (!op.equals("CREATE") && !op.equals("UPDATE") || !req.path("subResource").asText("").isEmpty()) {
            return answer(review, uid, null, List.of());
        }
        try {
            return switch (obj.path("kind").asText("")) {
                case "ClusterImagePolicy" -> {
                    Policies.Loaded l = Policies.load(obj, config.get(), systemNamespace);
                    CompiledPolicy.compile(l.policy());
                    yield answer(review, uid, null, l.warnings());
                }
                case "TrustRoot" -> {
                    if (obj.path("spec").hasNonNull("remote")) {
                        // Structure only: the mirror is fetched by the informer, not inside the API server's call.
                        if (obj.path("spec").path("remote").path("mirror").asText("").isEmpty()) {
                            throw new PolicyException("validation failed: missing field(s): spec.remote.mirror");
                        }
                    } else {
                        TrustRoots.read(obj);
                    }
                    yield answer(review, uid, null, List.of());
                }
                default -> answer(review, uid, null, List.of());
            };
        } catch (PolicyException e) {
            return answer(review, uid, e.getMessage(), List.of());
        }
    }

    private static byte[] answer(JsonNode review, String uid, String refusal, List<String> warnings) {
        ObjectNode out = JSON.createObjectNode();
        out.put("apiVersion", review.path("apiVersion").asText("admission.k8s.io/v1"));
        out.put("kind", "AdmissionReview");
        ObjectNode r = out.putObject("response");
        r.put("uid", uid);
        r.put("allowed", refusal == null);
        if (refusal != null) {
            r.putObject("status").put("code", 400).put("status", "Failure").put("reason", "BadRequest")
                    .put("message", refusal);
        }
        if (!warnings.isEmpty()) {
            warnings.forEach(r.putArray("warnings")::add);
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
