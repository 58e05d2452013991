package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the CT log cannot be reached, the CA answers Fulcio's 500 {@code {code: 13}} and issues nothing. */
class CtLogUnavailableTest {

    @Test
    void signingCert_ctLogDown_500InternalCtlError(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (CaServer ca = CaServer.start(CaConfig.builder(dir).devIssuer(true).grpcPort(-1)
                .ctLogUrl(URI.create("http://127.0.0.1:" + closedPort)).keyPassword("pw".toCharArray()).build())) {
            String token = ca.devIssuer().mint(null, "down@example.com", null, Map.of());
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair k = g.generateKeyPair();
            Signature sig = Signature.getInstance("SHA256withECDSA");
            sig.initSign(k.getPrivate());
            sig.update("down@example.com".getBytes(StandardCharsets.UTF_8));
            String body = "{\"credentials\":{\"oidcIdentityToken\":\"" + token + "\"},\"publicKeyRequest\":{\"publicKey\":{\"content\":\""
                + Pem.encode("PUBLIC KEY", k.getPublic().getEncoded()).replace("\n", "\\n") + "\"},\"proofOfPossession\":\""
                + Base64.getEncoder().encodeToString(sig.sign()) + "\"}}";
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ca.httpPort() + "/api/v2/signingCert"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode(), r.body());
            JsonNode err = new ObjectMapper().readTree(r.body());
            assertEquals(13, err.get("code").asInt());
            assertEquals("Error entering certificate in CTL", err.get("message").asText());
        }
    }
}
