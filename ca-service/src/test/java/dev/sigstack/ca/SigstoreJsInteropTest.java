package dev.sigstack.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.testing.TestStack;
import dev.sigstack.core.ct.LogId;

/**
 * sigstore-js signs against this CA (FulcioSigner with a development-issuer token, TSAWitness against our TSA) and
 * @sigstore/verify checks the certificate chain, the embedded SCT against the CT log key, the RFC 3161 timestamp
 * and the identity. Needs node and the Node packages of the interop module ({@code interop/package.json}, installed
 * into {@code interop/node_modules} by {@code ./sigstack test}, or here with npm when missing; the script is
 * {@code interop/js/ca-sign-verify.mjs});
 * skips with a message otherwise.
 */
class SigstoreJsInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path INTEROP = Path.of("../interop");
    private static final Path JS = INTEROP.resolve("js");

    @TempDir
    Path dir;

    @Test
    void sigstoreJs_signAndVerify_acceptsChainSctAndTimestamp() throws Exception {
        assumeTrue(run(List.of("node", "--version"), JS, 30) == 0, "node is not installed: skipping the sigstore-js check");
        if (!Files.isDirectory(INTEROP.resolve("node_modules/@sigstore/sign"))) {
            run(List.of("npm", "install", "--no-audit", "--no-fund"), INTEROP, 300);
        }
        assumeTrue(Files.isDirectory(INTEROP.resolve("node_modules/@sigstore/sign")),
            "interop/node_modules is absent and npm install did not succeed: skipping the sigstore-js check");

        try (TestStack stack = new TestStack(dir, -1)) {
            String email = "js@example.com";
            Path token = dir.resolve("token");
            Files.writeString(token, stack.ca.devIssuer().mint(null, email, null, Map.of()));
            Path root = dir.resolve("trusted_root.json");
            Files.writeString(root, trustedRoot(stack));
            Path out = dir.resolve("out.json");
            int rc = run(List.of("node", "ca-sign-verify.mjs", stack.baseUrl(), stack.baseUrl(), token.toString(), root.toString(),
                email, stack.ca.devIssuerUrl()), JS, 120, out);
            String output = Files.readString(out);
            assertEquals(0, rc, output);
            JsonNode result = JSON.readTree(output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}"));
            assertTrue(result.path("ok").asBoolean(), output);
            assertEquals(email, result.path("san").asText());
            assertEquals(stack.ca.devIssuerUrl(), result.path("issuer").asText());
        }
    }

    /** A protobuf-specs TrustedRoot naming the test CA, its CT log and its TSA (no transparency log yet). */
    private static String trustedRoot(TestStack stack) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
        root.putArray("tlogs");
        authority(root.putArray("certificateAuthorities").addObject(), stack.baseUrl(), stack.ca.chain());
        ObjectNode ct = root.putArray("ctlogs").addObject();
        ct.put("baseUrl", "http://127.0.0.1:" + stack.ctServer.port());
        ct.put("hashAlgorithm", "SHA2_256");
        ObjectNode key = ct.putObject("publicKey");
        key.put("rawBytes", Base64.getEncoder().encodeToString(stack.logKey.getPublic().getEncoded()));
        key.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
        key.putObject("validFor").put("start", "2020-01-01T00:00:00Z");
        ct.putObject("logId").put("keyId", Base64.getEncoder().encodeToString(LogId.of(stack.logKey.getPublic())));
        authority(root.putArray("timestampAuthorities").addObject(), stack.baseUrl(), stack.ca.timestampAuthority().chain());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void authority(ObjectNode n, String uri, List<X509Certificate> chain) throws Exception {
        n.putObject("subject").put("organization", "sigstack-test").put("commonName", "sigstack-test");
        n.put("uri", uri);
        ArrayNode certs = n.putObject("certChain").putArray("certificates");
        for (X509Certificate c : chain) {
            certs.addObject().put("rawBytes", Base64.getEncoder().encodeToString(c.getEncoded()));
        }
        n.putObject("validFor").put("start", "2020-01-01T00:00:00Z");
    }

    private static int run(List<String> cmd, Path cwd, int timeoutSeconds) {
        Path output = null;
        try {
            output = Files.createTempFile("cmd", ".out");
            return run(cmd, cwd, timeoutSeconds, output);
        } catch (java.io.IOException e) {
            return -1;
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private static int run(List<String> cmd, Path cwd, int timeoutSeconds, Path output) {
        try {
            Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -2;
            }
            return p.exitValue();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -3;
        }
    }
}
