package dev.sigstack.gate.tester;

import dev.sigstack.core.logging.Logs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.policy.FieldError;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.policy.PolicyParser;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import dev.sigstack.gate.verify.ResourceContext;
import dev.sigstack.gate.verify.TrustedMaterial;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code admission-gate test}: decides one image with the webhook's engine and prints
 * {@code {"allowed":..,"errors":[..],"warnings":[..]}}. Exit 0 when admitted, 1 when refused, 2 on bad input.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Try ClusterImagePolicies on an image, without an API server (like policy-controller's "
                + "policy-tester).")
public final class PolicyTester implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-p", "--policy"}, required = true, description = "ClusterImagePolicy file (YAML/JSON, may "
            + "hold several documents); repeatable")
    List<Path> policies = new ArrayList<>();

    @Option(names = {"-t", "--trust-root"}, description = "TrustRoot file; repeatable; the first is the default "
            + "for keyless authorities without trustRootRef")
    List<Path> trustRoots = new ArrayList<>();

    @Option(names = {"-i", "--image"}, required = true, description = "image reference (tag or digest)")
    String image;

    @Option(names = {"-k", "--kind"}, defaultValue = "Pod", description = "resource kind the image comes from "
            + "(Pod, Deployment, ...), for spec.match; default ${DEFAULT-VALUE}")
    String kind;

    @Option(names = {"-c", "--config"}, description = "config-policy-controller ConfigMap file")
    Path config;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "namespace of the workload")
    String namespace;

    @Option(names = "--system-namespace", defaultValue = "cosign-system",
            description = "the gate's namespace (key Secrets must live there)")
    String systemNamespace;

    @Option(names = "--secret", description = "NAME=FILE: a Secret of the gate's namespace holding one PEM key "
            + "(for key.secretRef); repeatable")
    Map<String, Path> secrets = new LinkedHashMap<>();

    @Option(names = "--registry-auth", description = "Docker config JSON (as in an imagePullSecret) for the image's "
            + "registry")
    Path registryAuth;

    @Option(names = "--plain-http", description = "registry host:port reached over plain HTTP; repeatable")
    Set<String> plainHttp = Set.of();

    private PrintStream out = System.out;

    /** Runs the tester; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PolicyTester t = new PolicyTester();
        t.out = out;
        CommandLine cl = new CommandLine(t);
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setOut(new java.io.PrintWriter(out, true));
        return cl.execute(args);
    }

    public static void main(String[] args) {
        Logs.configure();
        System.exit(run(System.out, System.err, args));
    }

    @Override
    public Integer call() throws IOException {
        GateConfig cfg;
        List<CompiledPolicy> compiled = new ArrayList<>();
        List<String> loadWarnings = new ArrayList<>();
        List<TrustedMaterial> roots = new ArrayList<>();
        Map<String, Map<String, byte[]>> secretData = new LinkedHashMap<>();
        try {
            cfg = config == null ? GateConfig.defaults() : configFrom(Files.readString(config));
            for (Path p : policies) {
                for (Policies.Loaded l : Policies.loadAll(Files.readString(p), cfg, systemNamespace)) {
                    compiled.add(CompiledPolicy.compile(l.policy()));
                    loadWarnings.addAll(l.warnings());
                }
            }
            for (Path p : trustRoots) {
                for (JsonNode d : PolicyParser.documents(Files.readString(p))) {
                    roots.add(TrustRoots.read(d));
                }
            }
            for (var e : secrets.entrySet()) {
                secretData.put(e.getKey(), Map.of("key", Files.readAllBytes(e.getValue())));
            }
        } catch (PolicyException | IllegalArgumentException e) {
            print(false, List.of(e.getMessage()), List.of());
            return 2;
        }
        RegistryClient client = new RegistryClient(new RegistryClient.Options(plainHttp, null,
                Duration.ofSeconds(10), 4L << 20, 32L << 20));
        PolicyEngine engine = new PolicyEngine(client, () -> cfg, () -> compiled,
                new FileEnvironment(roots, secretData, systemNamespace), Clock.systemUTC(), Duration.ofMinutes(1));
        String resource = switch (kind) {
            case "Pod" -> "pods";
            default -> kind.toLowerCase(Locale.ROOT) + "s";
        };
        String group = kind.equals("Pod") ? "" : kind.equals("Job") || kind.equals("CronJob") ? "batch" : "apps";
        dev.sigstack.gate.oci.RegistryCredentials creds;
        try {
            creds = registryAuth == null ? dev.sigstack.gate.oci.RegistryCredentials.anonymous()
                    : dev.sigstack.gate.oci.RegistryCredentials.fromDockerConfig(Files.readAllBytes(registryAuth));
        } catch (IllegalArgumentException e) {
            print(false, List.of(e.getMessage()), List.of());
            return 2;
        }
        ResourceContext ctx = new ResourceContext(namespace, group, "v1", resource, Map.of(), null, null, null,
                creds);
        FieldError result = engine.validate(image, ctx);
        List<String> errors = result.filter(FieldError.Level.ERROR).messages();
        List<String> warnings = new ArrayList<>(loadWarnings);
        warnings.addAll(result.filter(FieldError.Level.WARNING).messages());
        print(errors.isEmpty(), errors, warnings);
        return errors.isEmpty() ? 0 : 1;
    }

    static GateConfig configFrom(String text) {
        List<JsonNode> docs = PolicyParser.documents(text);
        if (docs.isEmpty()) {
            return GateConfig.defaults();
        }
        Map<String, String> data = new LinkedHashMap<>();
        docs.get(0).path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        return GateConfig.fromData(data);
    }

    private void print(boolean allowed, List<String> errors, List<String> warnings) {
        ObjectNode o = JSON.createObjectNode();
        o.put("allowed", allowed);
        errors.forEach(o.putArray("errors")::add);
        warnings.forEach(o.putArray("warnings")::add);
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
