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
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./sigstack run demo}: the seed's flow end to end on a running stack. Get a token from the development
 * issuer, sign a file (certificate from the CA with an embedded SCT, entry in the log), fetch the trust root through
 * TUF from the stack's mirror and its initial root, verify the bundle against it with the expected identity, then
 * show that a tampered file and a wrong identity are refused. Exits 0 only if every step gave the expected verdict.
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
        try (Stack stack = Stack.start(new Stack.Settings(dir.resolve("data"), "127.0.0.1", 0, null))) {
            return run(stack, dir);
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
                .asLong(-1);
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
        out.println("demo: every step gave the expected verdict");
        return 0;
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

    private void expect(int code, int actual, String what) {
        if (code != actual) {
            throw new IllegalStateException("demo: " + what + " exited " + actual + ", expected " + code);
        }
    }

    private void step(String line) {
        out.println(line);
    }
}
