package dev.sigstack.gate.trustroot;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.archive.HostileArchiveException;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import dev.sigstack.core.tuf.TufException;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.verify.TrustedMaterial;
import dev.sigstore.proto.trustroot.v1.CertificateAuthority;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads TrustRoot resources. Every failure is a {@link PolicyException} naming the field. */
public final class TrustRoots {
    /** The TUF target holding the trusted root. */
    public static final String TRUSTED_ROOT_TARGET = "trusted_root.json";

    private TrustRoots() {
    }

    /** Reads one TrustRoot document (already parsed from YAML or JSON). */
    public static TrustedMaterial read(JsonNode doc) {
        if (!"TrustRoot".equals(doc.path("kind").asText())) {
            throw new PolicyException("kind must be TrustRoot");
        }
        String name = doc.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            throw new PolicyException("metadata.name: Required value");
        }
        JsonNode spec = doc.path("spec");
        int count = (spec.hasNonNull("sigstoreKeys") ? 1 : 0) + (spec.hasNonNull("repository") ? 1 : 0)
                + (spec.hasNonNull("remote") ? 1 : 0);
        if (count != 1) {
            throw new PolicyException("validation failed: expected exactly one, got " + (count == 0 ? "neither"
                    : "both") + ": spec.remote, spec.repository, spec.sigstoreKeys");
        }
        String version = doc.path("metadata").path("resourceVersion").asText("") + ":" + Digests.sha256(
                doc.path("spec").toString().getBytes(StandardCharsets.UTF_8));
        if (spec.hasNonNull("sigstoreKeys")) {
            return sigstoreKeys(name, version, spec.get("sigstoreKeys"));
        }
        if (spec.hasNonNull("repository")) {
            JsonNode r = spec.get("repository");
            byte[] root = b64(r, "root", "spec.repository.root");
            byte[] mirror = b64(r, "mirrorFS", "spec.repository.mirrorFS");
            String targets = r.path("targets").asText("targets");
            try {
                RepositorySource src = MirrorFs.source(new ByteArrayInputStream(mirror), TarGz.Limits.DEFAULT);
                return fromTuf(name, version, root, src, targets);
            } catch (HostileArchiveException | IOException e) {
                throw new PolicyException("spec.repository.mirrorFS: " + e.getMessage(), e);
            }
        }
        JsonNode r = spec.get("remote");
        String mirror = r.path("mirror").asText("");
        if (mirror.isEmpty()) {
            throw new PolicyException("validation failed: missing field(s): spec.remote.mirror");
        }
        byte[] root = b64(r, "root", "spec.remote.root");
        return fromTuf(name, version, root, RepositorySource.http(URI.create(mirror)),
                r.path("targets").asText("targets"));
    }

    private static TrustedMaterial fromTuf(String name, String version, byte[] root, RepositorySource src,
            String targets) {
        try {
            TufClient client = TufClient.builder(root, src).targetsPath(targets).build();
            client.refresh();
            byte[] trustedRoot = client.target(TRUSTED_ROOT_TARGET);
            return fromTrustedRoot(name, version + ":" + Digests.sha256(trustedRoot), trustedRoot);
        } catch (TufException | IOException e) {
            throw new PolicyException("TrustRoot " + name + ": TUF update failed: " + e.getMessage(), e);
        }
    }

    /** A Sigstore {@code trusted_root.json} (protobuf-specs TrustedRoot). */
    public static TrustedMaterial fromTrustedRoot(String name, String version, byte[] json) {
        TrustedRoot.Builder b = TrustedRoot.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(new String(json, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException e) {
            throw new PolicyException("TrustRoot " + name + ": trusted_root.json is malformed: " + e.getMessage(), e);
        }
        TrustedRoot tr = b.build();
        List<X509Certificate> cas = new ArrayList<>();
        for (CertificateAuthority ca : tr.getCertificateAuthoritiesList()) {
            for (var c : ca.getCertChain().getCertificatesList()) {
                cas.add(der(c.getRawBytes().toByteArray(), name));
            }
        }
        List<X509Certificate> tsas = new ArrayList<>();
        for (CertificateAuthority ca : tr.getTimestampAuthoritiesList()) {
            for (var c : ca.getCertChain().getCertificatesList()) {
                tsas.add(der(c.getRawBytes().toByteArray(), name));
            }
        }
        return new TrustedMaterial(name, version, cas, keys(tr.getCtlogsList(), name), keys(tr.getTlogsList(), name),
                tsas, tr);
    }

    private static List<PublicKey> keys(List<TransparencyLogInstance> logs, String name) {
        List<PublicKey> out = new ArrayList<>();
        for (TransparencyLogInstance l : logs) {
            out.add(spki(l.getPublicKey().getRawBytes().toByteArray(), name));
        }
        return out;
    }

    private static TrustedMaterial sigstoreKeys(String name, String version, JsonNode k) {
        List<X509Certificate> cas = new ArrayList<>();
        for (JsonNode ca : k.path("certificateAuthorities")) {
            cas.addAll(Pem.readCertificates(new String(b64(ca, "certChain",
                    "spec.sigstoreKeys.certificateAuthorities.certChain"), StandardCharsets.UTF_8)));
        }
        List<X509Certificate> tsas = new ArrayList<>();
        for (JsonNode ca : k.path("timestampAuthorities")) {
            tsas.addAll(Pem.readCertificates(new String(b64(ca, "certChain",
                    "spec.sigstoreKeys.timestampAuthorities.certChain"), StandardCharsets.UTF_8)));
        }
        List<PublicKey> tlogs = new ArrayList<>();
        for (JsonNode t : k.path("tLogs")) {
            tlogs.add(Pem.readPublicKey(new String(b64(t, "publicKey", "spec.sigstoreKeys.tLogs.publicKey"),
                    StandardCharsets.UTF_8)));
        }
        List<PublicKey> ctlogs = new ArrayList<>();
        for (JsonNode t : k.path("ctLogs")) {
            ctlogs.add(Pem.readPublicKey(new String(b64(t, "publicKey", "spec.sigstoreKeys.ctLogs.publicKey"),
                    StandardCharsets.UTF_8)));
        }
        return new TrustedMaterial(name, version, cas, ctlogs, tlogs, tsas);
    }

    private static byte[] b64(JsonNode n, String field, String path) {
        String v = n.path(field).asText("");
        if (v.isEmpty()) {
            throw new PolicyException("validation failed: missing field(s): " + path);
        }
        try {
            return Base64.getMimeDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw new PolicyException("validation failed: invalid value: " + path + " is not base64", e);
        }
    }

    private static X509Certificate der(byte[] der, String name) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new PolicyException("TrustRoot " + name + ": bad certificate: " + e.getMessage(), e);
        }
    }

    private static PublicKey spki(byte[] der, String name) {
        for (String alg : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (Exception e) {
                // try the next algorithm
            }
        }
        throw new PolicyException("TrustRoot " + name + ": a log public key is not a DER SubjectPublicKeyInfo");
    }
}
