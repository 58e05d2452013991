package dev.sigstack.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Fulcio's {@code POST /api/v2/signingCert} in its JSON form ({@code fulcio.proto} {@code CreateSigningCertificateRequest}
 * through grpc-gateway): {@code credentials.oidcIdentityToken} and {@code publicKeyRequest} with
 * {@code publicKey.algorithm}, {@code publicKey.content} (PEM) and {@code proofOfPossession} (base64 signature over
 * the token's subject). The answer carries {@code signedCertificateEmbeddedSct.chain.certificates} (PEM, leaf
 * first) or {@code signedCertificateDetachedSct} with a chain too.
 */
public final class FulcioRequests {
    /** The path under the CA's URL. */
    public static final String PATH = "/api/v2/signingCert";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FulcioRequests() {
    }

    public static byte[] signingCertRequest(String identityToken, PublicKey key, byte[] proofOfPossession) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("credentials").put("oidcIdentityToken", identityToken);
        ObjectNode pkr = root.putObject("publicKeyRequest");
        ObjectNode pk = pkr.putObject("publicKey");
        pk.put("algorithm", switch (key.getAlgorithm()) {
            case "EC" -> "ECDSA";
            case "RSA" -> "RSA_PSS";
            default -> "ED25519";
        });
        pk.put("content", PublicKeyMaterial.pem("PUBLIC KEY", key.getEncoded()));
        pkr.put("proofOfPossession", Base64.getEncoder().encodeToString(proofOfPossession));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate chain of an answer, leaf first. */
    public static List<X509Certificate> parseResponse(byte[] body) throws SigningException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new SigningException("CA answer is not JSON", e);
        }
        JsonNode signed = root == null ? null : root.has("signedCertificateEmbeddedSct")
                ? root.get("signedCertificateEmbeddedSct") : root.get("signedCertificateDetachedSct");
        if (signed == null) {
            throw new SigningException("CA answer has neither signedCertificateEmbeddedSct nor signedCertificateDetachedSct");
        }
        JsonNode certs = signed.path("chain").path("certificates");
        if (!certs.isArray() || certs.isEmpty()) {
            throw new SigningException("CA answer has no certificate chain");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (JsonNode c : certs) {
                for (var cert : cf.generateCertificates(new ByteArrayInputStream(c.asText().getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
                    chain.add((X509Certificate) cert);
                }
            }
        } catch (CertificateException | RuntimeException e) {
            throw new SigningException("CA answer has a certificate that is not PEM X.509: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new SigningException("CA answer has no certificate chain");
        }
        return chain;
    }
}
