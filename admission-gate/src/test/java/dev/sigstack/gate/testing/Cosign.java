package dev.sigstack.gate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.oci.Manifest;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes what cosign writes: signatures and attestations as OCI layers with cosign's annotations. */
public final class Cosign {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Cosign() {
    }

    /** One layer to push: its media type, blob and annotations. */
    public record Layer(String mediaType, byte[] blob, Map<String, String> annotations) {
    }

    /** A fresh P-256 key pair. */
    public static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM of a public key. */
    public static String pem(PublicKey k) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(k.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** ECDSA/SHA-256 (DER) as cosign signs. */
    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** cosign's simple signing payload. */
    public static byte[] simpleSigning(String dockerReference, String digest) {
        return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + dockerReference + "\"},\"image\":{"
                + "\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},"
                + "\"optional\":null}").getBytes(StandardCharsets.UTF_8);
    }

    /** A signature layer signed with {@code key}; {@code extra} annotations (certificate, bundle...) added. */
    public static Layer signatureLayer(String dockerReference, String digest, PrivateKey key,
            Map<String, String> extra) {
        byte[] payload = simpleSigning(dockerReference, digest);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sign(key, payload)));
        ann.putAll(extra);
        return new Layer(SignatureLayer.SIMPLE_SIGNING, payload, ann);
    }

    /** An in-toto v1 statement about {@code digest}. */
    public static byte[] statement(String name, String digest, String predicateType, JsonNode predicate) {
        ObjectNode st = JSON.createObjectNode();
        st.put("_type", "https://in-toto.io/Statement/v1");
        ArrayNode subj = st.putArray("subject");
        ObjectNode s = subj.addObject();
        s.put("name", name);
        s.putObject("digest").put("sha256", digest.substring("sha256:".length()));
        st.put("predicateType", predicateType);
        st.set("predicate", predicate);
        try {
            return JSON.writeValueAsBytes(st);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DSSE envelope (in-toto payload) signed with {@code key}, as an attestation layer. */
    public static Layer attestationLayer(byte[] statement, PrivateKey key, Map<String, String> extra) {
        String type = "application/vnd.in-toto+json";
        byte[] sig = sign(key, Dsse.pae(type, statement));
        ObjectNode env = JSON.createObjectNode();
        env.put("payloadType", type);
        env.put("payload", Base64.getEncoder().encodeToString(statement));
        env.putArray("signatures").addObject().put("keyid", "").put("sig", Base64.getEncoder().encodeToString(sig));
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, "");
        ann.put("predicateType", tree(statement).path("predicateType").asText());
        ann.putAll(extra);
        try {
            return new Layer(SignatureLayer.DSSE, JSON.writeValueAsBytes(env), ann);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pushes layers as {@code sha256-<hex><suffix>} (".sig" or ".att"); returns the manifest digest. */
    public static String push(TestRegistry reg, String repo, String digest, String suffix, List<Layer> layers)
            throws Exception {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        ObjectNode m = TestRegistry.manifest("application/vnd.oci.image.config.v1+json",
                reg.pushBlob(repo, config), config.length);
        ArrayNode ls = (ArrayNode) m.get("layers");
        for (Layer l : layers) {
            ls.add(TestRegistry.descriptor(l.mediaType(), reg.pushBlob(repo, l.blob()), l.blob().length,
                    l.annotations()));
        }
        return reg.pushManifest(repo, Digests.cosignTag(digest, suffix), JSON.writeValueAsBytes(m),
                Manifest.OCI_MANIFEST);
    }

    /** A hashedrekord v0.0.1 entry body for a signature over {@code payload}. */
    public static byte[] hashedRekord(byte[] payload, byte[] sig, String signerPem) {
        ObjectNode e = JSON.createObjectNode();
        e.put("apiVersion", "0.0.1");
        e.put("kind", "hashedrekord");
        ObjectNode spec = e.putObject("spec");
        spec.putObject("data").putObject("hash").put("algorithm", "sha256")
                .put("value", Digests.sha256(payload).substring(7));
        ObjectNode s = spec.putObject("signature");
        s.put("content", Base64.getEncoder().encodeToString(sig));
        s.putObject("publicKey").put("content", Base64.getEncoder().encodeToString(
                signerPem.getBytes(StandardCharsets.UTF_8)));
        return bytes(e);
    }

    /**
     * An intoto v0.0.2 body as Rekor stores it: the payload hash, and the envelope signature (base64 once more) with
     * the signer's PEM (base64).
     */
    public static byte[] intotoEntry(byte[] statement, byte[] sig, String signerPem) {
        ObjectNode e = JSON.createObjectNode();
        e.put("apiVersion", "0.0.2");
        e.put("kind", "intoto");
        ObjectNode content = e.putObject("spec").putObject("content");
        content.putObject("envelope").put("payloadType", "application/vnd.in-toto+json").putArray("signatures")
                .addObject().put("sig", Base64.getEncoder().encodeToString(Base64.getEncoder().encodeToString(sig)
                        .getBytes(StandardCharsets.UTF_8)))
                .put("publicKey", Base64.getEncoder().encodeToString(signerPem.getBytes(StandardCharsets.UTF_8)));
        content.putObject("payloadHash").put("algorithm", "sha256").put("value", Digests.sha256(statement).substring(7));
        return bytes(e);
    }

    /** The first signature of an attestation layer's DSSE envelope. */
    public static byte[] envelopeSignature(Layer attestation) {
        return Base64.getDecoder().decode(tree(attestation.blob()).path("signatures").path(0).path("sig").asText());
    }

    /** cosign's {@code dev.sigstore.cosign/bundle} annotation with a SET signed by {@code logKey}. */
    public static String rekorBundle(KeyPair logKey, byte[] body, long integratedTime, long logIndex) {
        byte[] logId = SignedEntryTimestamp.logId(logKey.getPublic());
        byte[] set = SignedEntryTimestamp.sign(logKey.getPrivate(), body, integratedTime, logId, logIndex);
        ObjectNode b = JSON.createObjectNode();
        b.put("SignedEntryTimestamp", Base64.getEncoder().encodeToString(set));
        ObjectNode p = b.putObject("Payload");
        p.put("body", Base64.getEncoder().encodeToString(body));
        p.put("integratedTime", integratedTime);
        p.put("logIndex", logIndex);
        p.put("logID", HexFormat.of().formatHex(logId));
        return b.toString();
    }

    /** JSON bytes of a tree. */
    public static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tree from JSON bytes. */
    public static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
