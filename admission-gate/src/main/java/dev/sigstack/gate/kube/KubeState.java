package dev.sigstack.gate.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.admission.Cluster;
import dev.sigstack.gate.policy.ClusterImagePolicy;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.Environment;
import dev.sigstack.gate.verify.TrustedMaterial;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Informer-backed state: implements the engine's {@link Environment}, the webhook's {@link Cluster}, and supplies
 * the compiled policies and config. A policy that cannot be loaded is kept as a policy that refuses every image it
 * could match (fail closed), with the reason in the refusal.
 */
public final class KubeState implements Environment, Cluster, Supplier<List<CompiledPolicy>>, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KubeState.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ClusterImagePolicy, v1beta1 (the API server converts v1alpha1). */
    public static final ResourceDefinitionContext CIP = new ResourceDefinitionContext.Builder()
            .withGroup("policy.sigstore.dev").withVersion("v1beta1").withKind("ClusterImagePolicy")
            .withPlural("clusterimagepolicies").withNamespaced(false).build();
    /** TrustRoot v1alpha1. */
    public static final ResourceDefinitionContext TRUST_ROOT = new ResourceDefinitionContext.Builder()
            .withGroup("policy.sigstore.dev").withVersion("v1alpha1").withKind("TrustRoot")
            .withPlural("trustroots").withNamespaced(false).build();

    private final KubernetesClient client;
    private final String systemNamespace;
    private final String defaultTrustRoot;
    private final Map<String, CompiledPolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, TrustedMaterial> trustRoots = new ConcurrentHashMap<>();
    private final Map<String, Map<String, byte[]>> secrets = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> namespaceLabels = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> rawPolicies = new ConcurrentHashMap<>();
    private volatile GateConfig config = GateConfig.defaults();
    private final AtomicLong version = new AtomicLong();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** Events waiting for the API server; when it is slow and the queue is full, new Events are dropped. */
    static final int EVENT_QUEUE = 1_000;
    private final AtomicLong droppedEvents = new AtomicLong();
    private final ExecutorService events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(EVENT_QUEUE), r -> {
                Thread t = new Thread(r, "gate-events");
                t.setDaemon(true);
                return t;
            }, (task, pool) -> {
                if (droppedEvents.getAndIncrement() % EVENT_QUEUE == 0) {
                    LOG.log(System.Logger.Level.WARNING, "the API server is not keeping up with Events; "
                            + droppedEvents.get() + " dropped so far (decisions are not affected)");
                }
            });
    private volatile Runnable onChange = () -> { };

    /**
     * @param defaultTrustRoot the TrustRoot used by keyless authorities without trustRootRef (no public-good one)
     */
    public KubeState(KubernetesClient client, String systemNamespace, String defaultTrustRoot) {
        this.client = client;
        this.systemNamespace = systemNamespace;
        this.defaultTrustRoot = defaultTrustRoot;
    }

    /** Called after every change (the webhook drops its cache). */
    public void onChange(Runnable r) {
        this.onChange = r;
    }

    /** The current config-policy-controller. */
    public GateConfig config() {
        return config;
    }

    /** Starts the informers and waits for their first sync. */
    public KubeState start() {
        informers.add(client.configMaps().inNamespace(systemNamespace).withName(GateConfig.CONFIGMAP_NAME)
                .inform(handler(this::configMap, cm -> config = GateConfig.defaults())));
        informers.add(client.secrets().inNamespace(systemNamespace).inform(handler(
                s -> secrets.put(s.getMetadata().getName(), decode(s)), s -> secrets.remove(s.getMetadata().getName()))));
        informers.add(client.namespaces().inform(handler(
                n -> namespaceLabels.put(n.getMetadata().getName(), labels(n)),
                n -> namespaceLabels.remove(n.getMetadata().getName()))));
        informers.add(client.genericKubernetesResources(TRUST_ROOT).inform(handler(this::trustRoot,
                t -> trustRoots.remove(t.getMetadata().getName()))));
        informers.add(client.genericKubernetesResources(CIP).inform(handler(this::policy, p -> {
            rawPolicies.remove(p.getMetadata().getName());
            policies.remove(p.getMetadata().getName());
        })));
        return this;
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(java.util.function.Consumer<T> upsert,
            java.util.function.Consumer<T> delete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                apply(() -> upsert.accept(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                apply(() -> upsert.accept(newObj));
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                apply(() -> delete.accept(obj));
            }
        };
    }

    private void apply(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "informer update failed: " + e.getMessage(), e);
        }
        version.incrementAndGet();
        onChange.run();
    }

    private void configMap(ConfigMap cm) {
        try {
            config = GateConfig.fromData(cm.getData() == null ? Map.of() : cm.getData());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage() + "; keeping deny defaults");
            config = GateConfig.defaults();
        }
        // fail-on-empty-authorities changes what validates: reload every policy.
        rawPolicies.forEach((name, doc) -> policies.put(name, compile(name, doc)));
    }

    private void trustRoot(GenericKubernetesResource r) {
        String name = r.getMetadata().getName();
        try {
            trustRoots.put(name, TrustRoots.read(JSON.readTree(Serialization.asJson(r))));
        } catch (PolicyException | java.io.IOException e) {
            trustRoots.remove(name);
            LOG.log(System.Logger.Level.ERROR, "TrustRoot " + name + " refused: " + e.getMessage());
        }
    }

    private void policy(GenericKubernetesResource r) {
        String name = r.getMetadata().getName();
        try {
            JsonNode doc = JSON.readTree(Serialization.asJson(r));
            rawPolicies.put(name, doc);
            policies.put(name, compile(name, doc));
        } catch (java.io.IOException e) {
            policies.put(name, CompiledPolicy.broken(name, "not JSON: " + e.getMessage()));
        }
    }

    private CompiledPolicy compile(String name, JsonNode doc) {
        try {
            ClusterImagePolicy cip = Policies.load(doc, config, systemNamespace).policy();
            return CompiledPolicy.compile(cip);
        } catch (PolicyException e) {
            LOG.log(System.Logger.Level.ERROR, "ClusterImagePolicy " + name + " cannot be enforced, refusing what it "
                    + "matches: " + e.getMessage());
            return CompiledPolicy.broken(name, e.getMessage());
        }
    }

    private static Map<String, byte[]> decode(Secret s) {
        Map<String, byte[]> out = new HashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
        }
        if (s.getStringData() != null) {
            s.getStringData().forEach((k, v) -> out.put(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static Map<String, String> labels(Namespace n) {
        return n.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(n.getMetadata().getLabels());
    }

    @Override
    public List<CompiledPolicy> get() {
        return List.copyOf(policies.values());
    }

    @Override
    public Optional<TrustedMaterial> trustRoot(String name) {
        return Optional.ofNullable(trustRoots.get(name == null || name.isEmpty() ? defaultTrustRoot : name));
    }

    @Override
    public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        if (!systemNamespace.equals(namespace)) {
            return Optional.empty();
        }
        return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public String systemNamespace() {
        return systemNamespace;
    }

    @Override
    public String version() {
        return Long.toString(version.get());
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        return Optional.ofNullable(namespaceLabels.get(namespace));
    }

    /** How long a live namespace read may take: well inside the webhook's timeout (10 s by default). */
    static final java.time.Duration LIVE_READ_DEADLINE = java.time.Duration.ofSeconds(3);
    /** Live namespace reads in flight or waiting; more are refused (the review is then refused, fail closed). */
    static final int LIVE_READ_QUEUE = 64;
    private final ExecutorService liveReads = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(LIVE_READ_QUEUE), r -> {
                Thread t = new Thread(r, "gate-namespace-read");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());

    /**
     * Reads the namespace from the API server, for a request about a namespace the informer has not seen (a Namespace
     * and a Pod in one {@code kubectl apply}) or has seen out of scope (it may be behind a relabelling).
     */
    @Override
    public Optional<Map<String, String>> readNamespaceLabels(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return Optional.empty();
        }
        java.util.concurrent.Future<Namespace> f;
        try {
            f = liveReads.submit(() -> client.namespaces().withName(namespace).get());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "namespace " + namespace + " not read: too many reads waiting");
            return Optional.empty();
        }
        try {
            Namespace n = f.get(LIVE_READ_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            return n == null ? Optional.empty() : Optional.of(labels(n));
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            LOG.log(System.Logger.Level.WARNING, "namespace " + namespace + " could not be read from the API server: "
                    + e);
            return Optional.empty();
        }
    }

    private record CachedCreds(dev.sigstack.gate.oci.RegistryCredentials creds, long until) {
    }

    private final Map<String, CachedCreds> pullSecretCache = new ConcurrentHashMap<>();

    /** Reads the workload's imagePullSecrets from its namespace (cached for a minute). */
    @Override
    public dev.sigstack.gate.oci.RegistryCredentials pullSecrets(String namespace, List<String> names) {
        dev.sigstack.gate.oci.RegistryCredentials all = dev.sigstack.gate.oci.RegistryCredentials.anonymous();
        long now = System.currentTimeMillis();
        for (String name : names) {
            String key = namespace + "/" + name;
            CachedCreds c = pullSecretCache.get(key);
            if (c == null || c.until() < now) {
                dev.sigstack.gate.oci.RegistryCredentials creds = dev.sigstack.gate.oci.RegistryCredentials
                        .anonymous();
                try {
                    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
                    if (s != null) {
                        byte[] cfg = decode(s).getOrDefault(".dockerconfigjson", decode(s).get(".dockercfg"));
                        if (cfg != null) {
                            creds = dev.sigstack.gate.oci.RegistryCredentials.fromDockerConfig(cfg);
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "imagePullSecret " + key + " unreadable: " + e.getMessage());
                }
                c = new CachedCreds(creds, now + 60_000);
                pullSecretCache.put(key, c);
            }
            all = all.merge(c.creds());
        }
        return all;
    }

    @Override
    public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
            String reason, String message) {
        String ns = namespace == null || namespace.isEmpty() ? "default" : namespace;
        String now = Instant.now().toString();
        events.submit(() -> {
            try {
                client.v1().events().inNamespace(ns).resource(new EventBuilder()
                        .withNewMetadata().withGenerateName((name.isEmpty() ? kind.toLowerCase() : name) + ".")
                        .withNamespace(ns).endMetadata()
                        .withNewInvolvedObject().withKind(kind).withApiVersion(apiVersion).withName(name)
                        .withNamespace(ns).withUid(uid.isEmpty() ? null : uid).endInvolvedObject()
                        .withType(type).withReason(reason)
                        .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
                        .withNewSource().withComponent("sigstack-admission-gate").endSource()
                        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                        .build()).create();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Event not recorded: " + e.getMessage());
            }
        });
    }

    /** Events dropped because the queue to the API server was full. */
    public long droppedEvents() {
        return droppedEvents.get();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        events.shutdown();
        liveReads.shutdownNow();
    }
}
