package dev.sigstack.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends the AdmissionReview v1 the API server would send for a Pod to the gate's validating webhook, over TLS that
 * trusts only the gate's serving certificate (the webhook configuration's caBundle).
 */
final class GateClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The gate's answer. */
    record Decision(boolean allowed, String message) {
    }

    private final String url;
    private final HttpClient http;

    GateClient(String gateUrl, X509Certificate caBundle) throws GeneralSecurityException, IOException {
        this.url = gateUrl + "/validate";
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gate", caBundle);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Asks about creating a Pod named {@code name} in {@code namespace} with one container running {@code image}. */
    Decision pod(String namespace, String name, String image) throws IOException, InterruptedException {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode req = review.putObject("request");
        req.put("uid", UUID.randomUUID().toString());
        req.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        req.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        req.put("name", name).put("namespace", namespace).put("operation", "CREATE");
        req.putObject("userInfo").put("username", "system:serviceaccount:demo:deployer");
        ObjectNode pod = req.putObject("object");
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", namespace);
        pod.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", image);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(review))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the gate answered " + r.statusCode() + ": " + r.body());
        }
        JsonNode response = JSON.readTree(r.body()).path("response");
        if (!response.has("allowed")) {
            throw new IOException("the gate's answer has no response.allowed: " + r.body());
        }
        return new Decision(response.path("allowed").asBoolean(), response.path("status").path("message").asText(""));
    }
}
