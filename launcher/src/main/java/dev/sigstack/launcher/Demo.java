package dev.sigstack.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sigstack run demo}: the seed's flow end to end on a running stack. Get a token from the development
 * issuer, sign a file (certificate from the CA with an embedded SCT, entry in the log), fetch the trust root through
 * TUF from the stack's mirror and its initial root, verify the bundle against it with the expected identity, then
 * show that a tampered file and a wrong identity are refused. Then, with a local OCI registry (Debian's
 * {@code docker-registry}), push images, sign one keyless through the stack as cosign does, and send Pod
 * AdmissionReviews to the stack's admission gate over TLS: the signed image is admitted, an unsigned one and one
 * signed by another identity are refused. Exits 0 only if every step gave the expected verdict.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the signing and verification flow against a fresh stack and prints each step.")
final class Demo implements Callable<Integer> {
    @Option(names = "--data-dir", description = "State folder (default: a new temporary folder)")
    Path dataDir;

    @Option(names = "--email", description = "Signer identity to request from the development issuer (default: ${DEFAULT-VALUE})")
    String email = "demo@sigstack.example";

    private final PrintStream out;

    Demo() {
        this(System.out);
    }

    Demo(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("sigstack-demo");
        Optional<Path> registryBinary = LocalRegistry.binary();
        if (registryBinary.isEmpty()) {
            try (Stack stack = Stack.start(new Stack.Settings(dir.resolve("data"), "127.0.0.1", 0, null))) {
                run(stack, dir);
            }
            step("8-12. skipped: the admission gate steps need an OCI registry, " + LocalRegistry.BINARY
                    + " (Debian package docker-registry; ./sigstack run demo installs it when run as root)");
            return 0;
        }
        try (LocalRegistry registry = LocalRegistry.start(registryBinary.get(), dir.resolve("registry"));
                Stack stack = Stack.start(new Stack.Settings(dir.resolve("data"), "127.0.0.1", 0, null,
                        Set.of(registry.host())))) {
            run(stack, dir);
            gate(stack, registry.host());
            out.println("demo: every step gave the expected verdict");
            return 0;
        }
    }

    int run(Stack stack, Path dir) throws Exception {
        step("1. the stack is up; stack.json at " + dir.resolve("data/stack.json"));

        String token = token(stack.issuerUrl(), email);
        step("2. token from the development issuer for " + email + " (" + token.length() + " bytes)");

        TufClient tuf = TufClient.builder(Files.readAllBytes(stack.initialRoot()),
                RepositorySource.http(URI.create(stack.tufUrl() + "/"))).build();
        tuf.refresh();
        Path trustedRoot = Files.write(dir.resolve("trusted_root.json"), tuf.target("trusted_root.json"));
        Path signingConfig = Files.write(dir.resolve("signing_config.v0.2.json"), tuf.target("signing_config.v0.2.json"));
        step("3. trust root fetched through TUF from " + stack.tufUrl() + ", verified from " + stack.initialRoot());

        Path artifact = Files.writeString(dir.resolve("artifact.txt"), "hello from the sigstack demo\n");
        Path bundle = dir.resolve("artifact.txt.sigstore.json");
        expect(0, cli("sign-bundle", "--identity-token", token, "--bundle", bundle.toString(),
                "--signing-config", signingConfig.toString(), "--trusted-root", trustedRoot.toString(),
                artifact.toString()), "sign");
        long index = new ObjectMapper().readTree(bundle.toFile()).at("/verificationMaterial/tlogEntries/0/logIndex")
                .asLong(0); // protobuf JSON leaves out a zero index
        step("4. signed: certificate from " + stack.caUrl() + " with an embedded SCT, log entry " + index
                + "; bundle " + bundle);

        expect(0, verify(bundle, artifact, trustedRoot, email, stack.issuerUrl()), "verify");
        step("5. verified against the TUF trust root as " + email + " from " + stack.issuerUrl());

        Path tampered = Files.writeString(dir.resolve("tampered.txt"), "hello from someone else\n");
        expect(1, verify(bundle, tampered, trustedRoot, email, stack.issuerUrl()), "verify a tampered file");
        step("6. a tampered file is refused");

        expect(1, verify(bundle, artifact, trustedRoot, "mallory@sigstack.example", stack.issuerUrl()),
                "verify with a wrong identity");
        step("7. a wrong identity is refused");
        return 0;
    }

    /** The gate steps: the CI signs an image as cosign would, and the cluster asks the gate about Pods. */
    void gate(Stack stack, String registry) throws Exception {
        Path policies = stack.gate().policyDir();
        try (var old = Files.list(policies)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Files.writeString(policies.resolve("demo.yaml"), """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata:
                  name: demo-ci-signed
                spec:
                  images:
                  - glob: "%s/demo/**"
                  authorities:
                  - name: demo-ci
                    keyless:
                      url: %s
                      trustRootRef: %s
                      identities:
                      - issuer: %s
                        subject: %s
                    ctlog:
                      url: %s
                      trustRootRef: %s
                """.formatted(registry, stack.caUrl(), StandaloneGate.TRUST_ROOT, stack.issuerUrl(), email,
                stack.tlogUrl(), StandaloneGate.TRUST_ROOT));
        step("8. registry " + registry + " (docker-registry); gate policy " + policies.resolve("demo.yaml")
                + ": images " + registry + "/demo/** must be signed by " + email);

        ImageSigning ci = new ImageSigning(registry);
        String signed = ci.pushImage("demo/app", "v1");
        long index = ci.signKeyless("demo/app", signed, token(stack.issuerUrl(), email), stack.caUrl(), stack.tlogUrl());
        step("9. pushed " + registry + "/demo/app@" + signed + " and signed it keyless as " + email
                + " (cosign's layout: certificate with SCT, Rekor entry " + index + ")");
        String unsigned = ci.pushImage("demo/unsigned", "v1");
        String other = ci.pushImage("demo/other", "v1");
        ci.signKeyless("demo/other", other, token(stack.issuerUrl(), "mallory@sigstack.example"), stack.caUrl(),
                stack.tlogUrl());
        Thread.sleep(1_100); // the gate re-reads its policy folder at most once a second

        GateClient gate = new GateClient(stack.gateUrl(), stack.gate().certificate());
        GateClient.Decision ok = gate.pod("demo", "web", registry + "/demo/app@" + signed);
        expect(true, ok.allowed(), "the gate on the signed image: " + ok.message());
        step("10. the gate (" + stack.gateUrl() + "/validate) admits a Pod running the signed image");
        GateClient.Decision no = gate.pod("demo", "unsigned", registry + "/demo/unsigned@" + unsigned);
        expect(false, no.allowed(), "the gate on an unsigned image");
        step("11. the gate refuses an unsigned image: " + no.message());
        GateClient.Decision wrong = gate.pod("demo", "other", registry + "/demo/other@" + other);
        expect(false, wrong.allowed(), "the gate on an image signed by mallory@sigstack.example");
        step("12. the gate refuses an image signed by another identity: " + wrong.message());
    }

    private static String token(String issuer, String email) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                issuer + "/token?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("the development issuer answered " + r.statusCode() + ": " + r.body());
        }
        return new ObjectMapper().readTree(r.body()).path("id_token").asText();
    }

    private int verify(Path bundle, Path artifact, Path trustedRoot, String identity, String issuer) {
        return cli("verify-bundle", "--bundle", bundle.toString(), "--certificate-identity", identity,
                "--certificate-oidc-issuer", issuer, "--trusted-root", trustedRoot.toString(), artifact.toString());
    }

    private int cli(String... args) {
        CommandLine cl = new CommandLine(new dev.sigstack.cli.Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(out, true));
        return cl.execute(args);
    }

    private static void expect(boolean allowed, boolean actual, String what) {
        if (allowed != actual) {
            throw new IllegalStateException("demo: " + what + (actual ? " admitted it" : " refused it")
                    + ", expected " + (allowed ? "admitted" : "refused"));
        }
    }

    private void expect(int code, int actual, String what) {
        if (code != actual) {
            throw new IllegalStateException("demo: " + what + " exited " + actual + ", expected " + code);
        }
    }

    private void step(String line) {
        out.println(line);
    }
}
