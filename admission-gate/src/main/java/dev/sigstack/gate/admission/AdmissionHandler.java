package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.oci.RegistryException;
import dev.sigstack.gate.policy.FieldError;
import dev.sigstack.gate.policy.ImageReference;
import dev.sigstack.gate.verify.PolicyEngine;
import dev.sigstack.gate.verify.ResourceContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns an AdmissionReview request into its response, for the validating and the mutating path. Thin: the policy
 * decision is {@link PolicyEngine}'s; any unexpected failure refuses the request (fail closed).
 *
 * <p>Scope: a request the API server sent is enforced unless its namespace is known to be outside the webhooks'
 * {@link GateSettings#namespaceSelector()} (or break-glass). The informer's view is trusted to say "in scope"; a
 * namespace it has not seen, or says is out of scope, is read from the API server; a namespace the informer never saw
 * and the API server cannot tell about in time is refused. {@link #webhooks()} is the one list of paths and rules the
 * chart must register.
 */
public final class AdmissionHandler {
    /** One {@code rules[]} entry of a webhook registration (admissionregistration.k8s.io/v1 RuleWithOperations). */
    public record Rule(List<String> apiGroups, List<String> apiVersions, List<String> operations,
            List<String> resources, String scope) {
        public Rule {
            apiGroups = List.copyOf(apiGroups);
            apiVersions = List.copyOf(apiVersions);
            operations = List.copyOf(operations);
            resources = List.copyOf(resources);
        }
    }

    /** A webhook the gate serves: its path, whether it is a mutating webhook, and what it must be sent. */
    public record Webhook(String path, boolean mutating, List<Rule> rules) {
        public Webhook {
            rules = List.copyOf(rules);
        }
    }

    /** The enforcing validating path. */
    public static final String VALIDATE = "/validate";
    /** The tag-to-digest mutating path. */
    public static final String MUTATE = "/mutate";
    /** ClusterImagePolicy and TrustRoot validation ({@link PolicyAdmission}). */
    public static final String VALIDATE_POLICY = "/validate-policy";

    /**
     * Every webhook the gate serves and the rules under which the API server must send it reviews: every kind that
     * runs an image (pods, their ephemeral containers, every workload kind) to the validating and the mutating path,
     * and the policy resources to {@code /validate-policy}. The Helm chart is tested against this list.
     */
    public static List<Webhook> webhooks() {
        List<Rule> workloads = Workloads.rules();
        return List.of(new Webhook(VALIDATE, false, workloads), new Webhook(MUTATE, true, workloads),
                new Webhook(VALIDATE_POLICY, false, List.of(new Rule(List.of("policy.sigstore.dev"),
                        List.of("v1alpha1", "v1beta1"), List.of("CREATE", "UPDATE"),
                        List.of("clusterimagepolicies", "trustroots"), "Cluster"))));
    }

    private static final System.Logger LOG = System.getLogger(AdmissionHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicyEngine engine;
    private final Cluster cluster;
    private final GateSettings settings;
    private final GateMetrics metrics;
    private final BreakGlassAudit audit;

    public AdmissionHandler(PolicyEngine engine, Cluster cluster, GateSettings settings, GateMetrics metrics) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.audit = new BreakGlassAudit(metrics, settings.breakGlassWebhook());
        metrics.engineCounters(engine::cacheHits, engine::verifications);
    }

    /** The parts of an AdmissionReview request the gate uses. */
    private record Request(String uid, String kind, String group, String version, String subResource,
            String namespace, String operation, JsonNode object, JsonNode oldObject, boolean dryRun, String user) {
        static Request parse(JsonNode review) {
            JsonNode r = review.path("request");
            if (!r.isObject() || r.path("uid").asText("").isEmpty()) {
                throw new IllegalArgumentException("not an AdmissionReview request (no request.uid)");
            }
            return new Request(r.path("uid").asText(), r.path("kind").path("kind").asText(""),
                    r.path("kind").path("group").asText(""), r.path("kind").path("version").asText(""),
                    r.path("subResource").asText(""), r.path("namespace").asText(""),
                    r.path("operation").asText(""), r.path("object"), r.path("oldObject"),
                    r.path("dryRun").asBoolean(false), r.path("userInfo").path("username").asText(""));
        }

        String name() {
            String n = object.path("metadata").path("name").asText("");
            return n.isEmpty() ? object.path("metadata").path("generateName").asText("") : n;
        }
    }

    private record Parsed(JsonNode review, Request request) {
    }

    /** The review and its request; malformed input counts as an error decision and is refused (400). */
    private Parsed parse(byte[] body, String path, long start) {
        try {
            JsonNode review = JSON.readTree(body);
            return new Parsed(review, Request.parse(review));
        } catch (IOException | RuntimeException e) {
            metrics.decision(path, "error", System.nanoTime() - start);
            throw new IllegalArgumentException("malformed AdmissionReview: " + e.getMessage(), e);
        }
    }

    /** The validating path. */
    public byte[] validate(byte[] body) {
        long start = System.nanoTime();
        Parsed parsed = parse(body, "validate", start);
        JsonNode review = parsed.review();
        Request req = parsed.request();
        try {
            Decision d = withinDeadline(() -> decide(req), () -> new Decision("denied", List.of(
                    timedOut("verification")), List.of()));
            metrics.decision("validate", d.result(), System.nanoTime() - start);
            if (!req.dryRun() && !d.result().equals("skipped")) {
                event(req, d);
            }
            return response(review, req.uid(), d.errors().isEmpty(), d.errors().isEmpty() ? null
                    : "validation failed: " + String.join("\n", d.errors()), d.warnings(), null);
        } catch (RuntimeException | RegistryException e) {
            metrics.internalError();
            metrics.decision("validate", "error", System.nanoTime() - start);
            LOG.log(System.Logger.Level.ERROR, "admission " + req.uid() + " failed closed", e);
            return response(review, req.uid(), false, "internal error, refusing (fail closed): " + e, List.of(),
                    null);
        }
    }

    /** The mutating path: pins tags to digests per the mutation setting. */
    public byte[] mutate(byte[] body) {
        long start = System.nanoTime();
        Parsed parsed = parse(body, "mutate", start);
        JsonNode review = parsed.review();
        Request req = parsed.request();
        try {
            List<String> path = Workloads.podSpecPath(req.group(), req.kind());
            boolean ephemeral = req.subResource().equals(Workloads.EPHEMERAL);
            if (!mutates(req.kind()) || path == null || !(req.operation().equals("CREATE")
                    || req.operation().equals("UPDATE")) || !req.subResource().isEmpty() && !ephemeral) {
                metrics.decision("mutate", "skipped", System.nanoTime() - start);
                return response(review, req.uid(), true, null, List.of(), null);
            }
            Scope scope = scope(req);
            if (scope == Scope.UNKNOWN) {
                metrics.decision("mutate", "error", System.nanoTime() - start);
                return response(review, req.uid(), false, unknownNamespace(req), List.of(), null);
            }
            if (scope != Scope.ENFORCED) {
                metrics.decision("mutate", "skipped", System.nanoTime() - start);
                return response(review, req.uid(), true, null, List.of(), null);
            }
            ArrayNode patch = withinDeadline(() -> pins(req, path, ephemeral), () -> {
                throw new IllegalStateException(timedOut("digest resolution"));
            });
            metrics.decision("mutate", patch.isEmpty() ? "unchanged" : "patched", System.nanoTime() - start);
            return response(review, req.uid(), true, null, List.of(), patch.isEmpty() ? null : patch);
        } catch (RegistryException | RuntimeException e) {
            metrics.internalError();
            metrics.decision("mutate", "error", System.nanoTime() - start);
            return response(review, req.uid(), false, "failed to resolve image to a digest (fail closed): "
                    + e.getMessage(), List.of(), null);
        }
    }

    /** The JSON patch pinning the tags that a policy covers (the engine resolves nothing else). */
    private ArrayNode pins(Request req, List<String> path, boolean ephemeral) throws RegistryException {
        ArrayNode patch = JSON.createArrayNode();
        JsonNode spec = Workloads.at(req.object(), path);
        String pointer = "/" + String.join("/", path);
        for (Workloads.Image image : Workloads.images(spec, ephemeral)) {
            ImageReference ref = ImageReference.parse(image.reference());
            if (ref.isDigest()) {
                continue;
            }
            String digest = engine.resolveDigest(image.reference(), pullCredentials(req, spec));
            if (digest != null) {
                patch.addObject().put("op", "replace").put("path", pointer + image.pointer())
                        .put("value", ref.name() + "@" + digest);
            }
        }
        return patch;
    }

    /** Work that must finish within the review deadline. */
    private interface Work<T> {
        T run() throws RegistryException;
    }

    /**
     * Runs {@code work} on a virtual thread and waits at most the review deadline; past it, {@code late} answers
     * (refusing) and the work goes on in the background within the registry client's own deadlines, so a registry
     * that hangs or trickles, or a verification this review waits on, never holds the answer past the webhook's
     * timeout.
     */
    private <T> T withinDeadline(Work<T> work, Work<T> late) throws RegistryException {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().name("review").start(() -> {
            try {
                f.complete(work.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(settings.reviewTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            metrics.internalError();
            return late.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RegistryException re) {
                throw re;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private String timedOut(String what) {
        return "image " + what + " did not finish within " + settings.reviewTimeout().toMillis() + " ms (a registry "
                + "is slow or unreachable); refusing (fail closed)";
    }

    private boolean mutates(String kind) {
        return switch (settings.mutation()) {
            case OFF -> false;
            case PODS -> kind.equals("Pod");
            case ALL -> true;
        };
    }

    /** Where a request's namespace stands. */
    private enum Scope { ENFORCED, BREAK_GLASS, OUT, UNKNOWN }

    /**
     * Enforced when the informer's labels say so (selected, not break-glass). Otherwise the namespace is read from
     * the API server (the informer may not have seen it yet, or not its new labels) and decided on what was read;
     * when it cannot be read, on what the informer saw; when neither knows it, UNKNOWN (refused). A break-glass
     * namespace is never enforced, whatever the selector says.
     */
    private Scope scope(Request req) {
        String ns = req.namespace();
        java.util.Optional<Map<String, String>> seen = cluster.namespaceLabels(ns);
        if (seen.isPresent() && !breakGlass(seen.get()) && settings.namespaceSelector().selects(ns, seen.get())) {
            return Scope.ENFORCED;
        }
        java.util.Optional<Map<String, String>> live = cluster.readNamespaceLabels(ns);
        java.util.Optional<Map<String, String>> labels = live.isPresent() ? live : seen;
        if (labels.isEmpty()) {
            return Scope.UNKNOWN;
        }
        if (breakGlass(labels.get())) {
            return Scope.BREAK_GLASS;
        }
        return settings.namespaceSelector().selects(ns, labels.get()) ? Scope.ENFORCED : Scope.OUT;
    }

    private boolean breakGlass(Map<String, String> labels) {
        return "true".equals(labels.get(settings.breakGlassLabel()));
    }

    private static String unknownNamespace(Request req) {
        return "namespace \"" + req.namespace() + "\" is not known to the gate and could not be read from the API "
                + "server; refusing (fail closed)";
    }

    /** The validating decision. */
    record Decision(String result, List<String> errors, List<String> warnings) {
    }

    private Decision decide(Request req) {
        if (!req.operation().equals("CREATE") && !req.operation().equals("UPDATE")) {
            return new Decision("skipped", List.of(), List.of());
        }
        List<String> path = Workloads.podSpecPath(req.group(), req.kind());
        if (path == null) {
            return new Decision("skipped", List.of(), List.of());
        }
        boolean ephemeral = req.subResource().equals(Workloads.EPHEMERAL);
        if (!req.subResource().isEmpty() && !ephemeral) {
            return new Decision("skipped", List.of(), List.of()); // status, scale: not re-checked
        }
        Scope scope = scope(req);
        if (scope == Scope.UNKNOWN) {
            return new Decision("denied", List.of(unknownNamespace(req)), List.of());
        }
        if (scope != Scope.ENFORCED) {
            if (scope == Scope.BREAK_GLASS && req.kind().equals("Pod") && req.operation().equals("CREATE")) {
                audit.record(req.namespace(), req.kind(), req.name(), req.user(), images(req, path));
                return new Decision("break-glass", List.of(), List.of());
            }
            return new Decision("skipped", List.of(), List.of());
        }
        JsonNode spec = Workloads.at(req.object(), path);
        if (req.operation().equals("UPDATE") && !ephemeral) {
            JsonNode oldSpec = Workloads.at(req.oldObject(), path);
            if (oldSpec != null && oldSpec.equals(spec)) {
                return new Decision("skipped", List.of(), List.of()); // scale, labels, status: images unchanged
            }
        }
        JsonNode meta = req.object().path("metadata");
        Map<String, String> labels = new LinkedHashMap<>();
        meta.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        ObjectNode typeMeta = JSON.createObjectNode();
        typeMeta.put("kind", req.kind());
        typeMeta.put("apiVersion", req.group().isEmpty() ? req.version() : req.group() + "/" + req.version());
        ResourceContext ctx = new ResourceContext(req.namespace(), req.group(), req.version(),
                Workloads.resource(req.kind()), labels, req.object().path("spec"), meta, typeMeta,
                pullCredentials(req, spec));
        FieldError all = FieldError.none();
        boolean requireDigest = mutates(req.kind());
        for (Workloads.Image image : Workloads.images(spec, ephemeral)) {
            FieldError e;
            if (requireDigest && !digestPinned(image.reference()) && engine.covered(image.reference())) {
                e = FieldError.invalidValue(image.reference() + " must be an image digest", "image", "");
            } else {
                e = engine.validate(image.reference(), ctx);
            }
            FieldError rooted = e.viaFieldIndex(image.list(), image.index());
            for (int p = path.size() - 1; p >= 0; p--) {
                rooted = rooted.viaField(path.get(p));
            }
            all = all.also(rooted);
        }
        List<String> errors = all.filter(FieldError.Level.ERROR).isEmpty() ? List.of()
                : List.of(all.filter(FieldError.Level.ERROR).toString());
        List<String> warnings = all.filter(FieldError.Level.WARNING).messages();
        String result = !errors.isEmpty() ? "denied" : !warnings.isEmpty() ? "warned" : "allowed";
        return new Decision(result, errors, warnings);
    }

    private dev.sigstack.gate.oci.RegistryCredentials pullCredentials(Request req, JsonNode podSpec) {
        List<String> names = new ArrayList<>();
        if (podSpec != null) {
            podSpec.path("imagePullSecrets").forEach(s -> {
                if (!s.path("name").asText("").isEmpty()) {
                    names.add(s.path("name").asText());
                }
            });
        }
        return names.isEmpty() ? dev.sigstack.gate.oci.RegistryCredentials.anonymous()
                : cluster.pullSecrets(req.namespace(), names);
    }

    private static boolean digestPinned(String image) {
        try {
            return ImageReference.parse(image).isDigest();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<String> images(Request req, List<String> path) {
        List<String> out = new ArrayList<>();
        Workloads.images(Workloads.at(req.object(), path), false).forEach(i -> out.add(i.reference()));
        return out;
    }

    private void event(Request req, Decision d) {
        try {
            String apiVersion = req.group().isEmpty() ? req.version() : req.group() + "/" + req.version();
            String uid = req.object().path("metadata").path("uid").asText("");
            switch (d.result()) {
                case "denied" -> cluster.event(req.namespace(), req.kind(), apiVersion, req.name(), uid, "Warning",
                        "PolicyDenied", String.join("\n", d.errors()));
                case "warned" -> cluster.event(req.namespace(), req.kind(), apiVersion, req.name(), uid, "Warning",
                        "PolicyWarning", String.join("\n", d.warnings()));
                case "break-glass" -> cluster.event(req.namespace(), req.kind(), apiVersion, req.name(), uid,
                        "Warning", "BreakGlass", "admitted without verification in break-glass namespace "
                                + req.namespace() + " by " + req.user());
                default -> cluster.event(req.namespace(), req.kind(), apiVersion, req.name(), uid, "Normal",
                        "PolicyAdmitted", "images verified against the matching ClusterImagePolicies");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not record an Event: " + e.getMessage());
        }
    }

    private static byte[] response(JsonNode review, String uid, boolean allowed, String message, List<String> warnings,
            ArrayNode patch) {
        ObjectNode out = JSON.createObjectNode();
        out.put("apiVersion", review.path("apiVersion").asText("admission.k8s.io/v1"));
        out.put("kind", "AdmissionReview");
        ObjectNode r = out.putObject("response");
        r.put("uid", uid);
        r.put("allowed", allowed);
        if (message != null) {
            ObjectNode s = r.putObject("status");
            s.put("code", 403);
            s.put("status", "Failure");
            s.put("reason", "Forbidden");
            s.put("message", message);
        }
        if (!warnings.isEmpty()) {
            ArrayNode w = r.putArray("warnings");
            warnings.forEach(w::add);
        }
        if (patch != null) {
            r.put("patchType", "JSONPatch");
            r.put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return JSON.writeValueAsBytes(out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an AdmissionReview response", e);
        }
    }
}
