package dev.sigstack.core.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Checks that a logged body describes the bundle it sits in: the same signature(s), the same certificate, and the
 * same message digest or DSSE payload. Covers hashedrekord 0.0.1 and 0.0.2 (including hashedrekord over a DSSE
 * envelope, where the digest is SHA-256 of the PAE), dsse 0.0.1 and intoto 0.0.2.
 */
final class EntryConsistency {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EntryConsistency() {
    }

    static void check(TransparencyLogEntry entry, Bundle bundle, PublicKey managedKey) throws TlogVerificationException {
        JsonNode body;
        try {
            body = JSON.readTree(entry.getCanonicalizedBody().toByteArray());
        } catch (IOException e) {
            throw new TlogVerificationException.EntryMismatch("canonicalized body is not JSON");
        }
        String kind = body.path("kind").asText();
        String version = body.path("apiVersion").asText();
        if (entry.hasKindVersion() && (!entry.getKindVersion().getKind().equals(kind)
                || !entry.getKindVersion().getVersion().equals(version))) {
            throw new TlogVerificationException.EntryMismatch("body is " + kind + " " + version + " but the entry says "
                    + entry.getKindVersion().getKind() + " " + entry.getKindVersion().getVersion());
        }
        byte[] cert = signerCertificate(bundle.getVerificationMaterial());
        JsonNode spec = body.path("spec");
        switch (kind + " " + version) {
            case "hashedrekord 0.0.1" -> hashedRekordV001(spec, bundle, new Signer(cert, managedKey));
            case "hashedrekord 0.0.2" -> hashedRekordV002(spec.path("hashedRekordV002"), bundle, new Signer(cert, managedKey));
            case "dsse 0.0.1" -> dsseV001(spec, bundle, new Signer(cert, managedKey));
            case "intoto 0.0.2" -> intotoV002(spec, bundle, new Signer(cert, managedKey));
            default -> throw new TlogVerificationException.EntryMismatch("unsupported entry type " + kind + " " + version);
        }
    }

    /** The signer certificate's DER, or null when the bundle names a public key instead. */
    private static byte[] signerCertificate(VerificationMaterial vm) throws TlogVerificationException.MalformedBundle {
        return switch (vm.getContentCase()) {
            case CERTIFICATE -> vm.getCertificate().getRawBytes().toByteArray();
            case X509_CERTIFICATE_CHAIN -> {
                if (vm.getX509CertificateChain().getCertificatesCount() == 0) {
                    throw new TlogVerificationException.MalformedBundle("bundle has an empty certificate chain", null);
                }
                yield vm.getX509CertificateChain().getCertificates(0).getRawBytes().toByteArray();
            }
            case PUBLIC_KEY -> null;
            default -> throw new TlogVerificationException.MalformedBundle("bundle has no verification material", null);
        };
    }

    private static void hashedRekordV001(JsonNode spec, Bundle bundle, Signer cert) throws TlogVerificationException {
        if (!bundle.hasMessageSignature()) {
            throw new TlogVerificationException.EntryMismatch("hashedrekord entry but the bundle has no message signature");
        }
        byte[] sig = decode(spec.path("signature").path("content").asText());
        if (!Arrays.equals(sig, bundle.getMessageSignature().getSignature().toByteArray())) {
            throw new TlogVerificationException.EntryMismatch("logged signature is not the bundle's signature");
        }
        if (bundle.getMessageSignature().hasMessageDigest()) {
            String logged = spec.path("data").path("hash").path("value").asText();
            String ours = HexFormat.of().formatHex(bundle.getMessageSignature().getMessageDigest().getDigest().toByteArray());
            if (!logged.equalsIgnoreCase(ours)) {
                throw new TlogVerificationException.EntryMismatch("logged digest is not the bundle's message digest");
            }
        }
        checkPemKey(decode(spec.path("signature").path("publicKey").path("content").asText()), cert);
    }

    private static void hashedRekordV002(JsonNode spec, Bundle bundle, Signer cert) throws TlogVerificationException {
        byte[] loggedSig = decode(spec.path("signature").path("content").asText());
        byte[] loggedDigest = decode(spec.path("data").path("digest").asText());
        byte[] sig;
        byte[] digest;
        if (bundle.hasMessageSignature()) {
            sig = bundle.getMessageSignature().getSignature().toByteArray();
            digest = bundle.getMessageSignature().hasMessageDigest()
                    ? bundle.getMessageSignature().getMessageDigest().getDigest().toByteArray() : loggedDigest;
        } else if (bundle.hasDsseEnvelope()) {
            Envelope env = bundle.getDsseEnvelope();
            if (env.getSignaturesCount() != 1) {
                throw new TlogVerificationException.EntryMismatch("a hashedrekord DSSE entry needs exactly one signature");
            }
            sig = env.getSignatures(0).getSig().toByteArray();
            digest = sha256(Dsse.pae(env.getPayloadType(), env.getPayload().toByteArray()));
        } else {
            throw new TlogVerificationException.EntryMismatch("bundle has no signature content");
        }
        if (!Arrays.equals(loggedSig, sig)) {
            throw new TlogVerificationException.EntryMismatch("logged signature is not the bundle's signature");
        }
        if (!Arrays.equals(loggedDigest, digest)) {
            throw new TlogVerificationException.EntryMismatch("logged digest is not the bundle's digest");
        }
        JsonNode verifier = spec.path("signature").path("verifier");
        if (cert.certificate() != null) {
            byte[] loggedCert = decode(verifier.path("x509Certificate").path("rawBytes").asText());
            if (!Arrays.equals(loggedCert, cert.certificate())) {
                throw new TlogVerificationException.EntryMismatch("logged certificate is not the bundle's certificate");
            }
        } else if (cert.key() != null) {
            byte[] loggedKey = decode(verifier.path("publicKey").path("rawBytes").asText());
            if (!Arrays.equals(loggedKey, cert.key().getEncoded())) {
                throw new TlogVerificationException.EntryMismatch("logged public key is not the verification key");
            }
        }
    }

    private static void dsseV001(JsonNode spec, Bundle bundle, Signer cert) throws TlogVerificationException {
        Envelope env = requireEnvelope(bundle);
        String payloadHash = spec.path("payloadHash").path("value").asText();
        if (!payloadHash.equalsIgnoreCase(HexFormat.of().formatHex(sha256(env.getPayload().toByteArray())))) {
            throw new TlogVerificationException.EntryMismatch("logged payload hash is not the envelope payload's hash");
        }
        Set<String> logged = new HashSet<>();
        for (JsonNode s : spec.path("signatures")) {
            logged.add(Base64.getEncoder().encodeToString(decode(s.path("signature").asText())));
            checkPemKey(decode(s.path("verifier").asText()), cert);
        }
        checkSameSignatures(logged, env);
    }

    private static void intotoV002(JsonNode spec, Bundle bundle, Signer cert) throws TlogVerificationException {
        Envelope env = requireEnvelope(bundle);
        JsonNode content = spec.path("content");
        String payloadHash = content.path("payloadHash").path("value").asText();
        if (!payloadHash.equalsIgnoreCase(HexFormat.of().formatHex(sha256(env.getPayload().toByteArray())))) {
            throw new TlogVerificationException.EntryMismatch("logged payload hash is not the envelope payload's hash");
        }
        if (!env.getPayloadType().equals(content.path("envelope").path("payloadType").asText())) {
            throw new TlogVerificationException.EntryMismatch("logged payload type is not the envelope's");
        }
        Set<String> logged = new HashSet<>();
        for (JsonNode s : content.path("envelope").path("signatures")) {
            // intoto 0.0.2 stores base64 of the DSSE base64 signature; some older entries store it encoded once
            byte[] once = decode(s.path("sig").asText());
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(new String(once, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                sig = once;
            }
            logged.add(Base64.getEncoder().encodeToString(sig));
            checkPemKey(decode(s.path("publicKey").asText()), cert);
        }
        checkSameSignatures(logged, env);
    }

    private static Envelope requireEnvelope(Bundle bundle) throws TlogVerificationException.EntryMismatch {
        if (!bundle.hasDsseEnvelope()) {
            throw new TlogVerificationException.EntryMismatch("DSSE entry but the bundle has no DSSE envelope");
        }
        return bundle.getDsseEnvelope();
    }

    private static void checkSameSignatures(Set<String> logged, Envelope env) throws TlogVerificationException.EntryMismatch {
        List<String> ours = new ArrayList<>();
        for (var s : env.getSignaturesList()) {
            ours.add(Base64.getEncoder().encodeToString(s.getSig().toByteArray()));
        }
        if (!logged.equals(new HashSet<>(ours)) || ours.size() != logged.size()) {
            throw new TlogVerificationException.EntryMismatch("logged signatures are not the envelope's signatures");
        }
    }

    /** Who signed, as far as the caller knows: the bundle's certificate, or the managed key it was given. */
    private record Signer(byte[] certificate, PublicKey key) { }

    private static void checkPemKey(byte[] pem, Signer signer) throws TlogVerificationException.EntryMismatch {
        if (signer.certificate() == null && signer.key() == null) {
            return; // a managed key the caller did not give: its comparison is the caller's
        }
        try {
            PublicKeyMaterial m = PublicKeyMaterial.parsePem(pem);
            if (signer.certificate() != null) {
                if (m.certificates().isEmpty() || !Arrays.equals(m.certificates().get(0).getEncoded(), signer.certificate())) {
                    throw new TlogVerificationException.EntryMismatch("logged certificate is not the bundle's certificate");
                }
            } else if (!Arrays.equals(m.publicKey().getEncoded(), signer.key().getEncoded())) {
                throw new TlogVerificationException.EntryMismatch("logged public key is not the verification key");
            }
        } catch (ProposedEntryException.Malformed | CertificateEncodingException e) {
            throw new TlogVerificationException.EntryMismatch("logged key is not a readable key or certificate");
        }
    }

    private static byte[] decode(String b64) throws TlogVerificationException.EntryMismatch {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new TlogVerificationException.EntryMismatch("logged value is not base64");
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
