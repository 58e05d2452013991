package dev.sigstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.sign.BundleAssembler;
import dev.sigstack.core.sign.EphemeralSigner;
import dev.sigstack.core.sign.FulcioRequests;
import dev.sigstack.core.sign.IdentityTokens;
import dev.sigstack.core.sign.RekorRequests;
import dev.sigstack.core.sign.ServiceSelection;
import dev.sigstack.core.sign.SigningException;
import dev.sigstack.core.sign.TimestampRequests;
import dev.sigstack.core.verify.Artifact;
import dev.sigstack.core.verify.BundleVerificationException;
import dev.sigstack.core.verify.BundleVerifier;
import dev.sigstack.core.verify.VerificationPolicy;
import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.InvalidFulcioExtensionException;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.Service;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.tsp.TimeStampRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sign-bundle [--staging] [--in-toto] --identity-token T --bundle F [--trusted-root R] [--signing-config C]
 * FILE}: a keyless signature with our own client. An ephemeral P-256 key; a certificate from the signing config's
 * CA ({@code /api/v2/signingCert}); the signature over the file (hashedrekord) or over the DSSE PAE of the in-toto
 * statement in the file; RFC 3161 timestamps from the selected TSAs; entries in the selected Rekor logs (v1:
 * hashedrekord or dsse 0.0.1; v2: hashedrekord 0.0.2, over the PAE for DSSE); a v0.3 bundle. When a trusted root is
 * known the bundle is verified before it is written, with the certificate's own identity.
 */
@Command(name = "sign-bundle", mixinStandardHelpOptions = true, description = "Sign a file into a Sigstore bundle (keyless).")
final class SignBundleCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrustOptions trust;

    @Option(names = "--in-toto", description = "the file is an in-toto statement: sign it as a DSSE envelope")
    boolean inToto;

    @Option(names = "--identity-token", required = true, paramLabel = "TOKEN", description = "the OIDC identity token")
    String identityToken;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "where to write the bundle")
    Path bundle;

    @Option(names = "--signing-config", paramLabel = "FILE",
            description = "signing_config JSON (protobuf-specs SigningConfig v0.2) naming the CA, Rekor, TSA URLs")
    Path signingConfig;

    @Option(names = "--ctlog-threshold", defaultValue = "1", paramLabel = "N",
            description = "SCTs the self-check requires (default ${DEFAULT-VALUE})")
    int ctlogThreshold;

    @Parameters(index = "0", paramLabel = "FILE", description = "the artifact to sign")
    Path input;

    /** HTTP client, replaceable by tests. */
    SigstoreHttp http = new SigstoreHttp();

    @Override
    public Integer call() {
        try {
            sign();
            return 0;
        } catch (CliFailure e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Main.FAILED;
        } catch (SigningException e) {
            spec.commandLine().getErr().println("signing failed: " + e.getMessage());
            return Main.FAILED;
        } catch (BundleVerificationException e) {
            spec.commandLine().getErr().println("the new bundle does not verify (" + e.getClass().getSimpleName() + "): "
                    + e.getMessage() + "; not written");
            return Main.FAILED;
        }
    }

    private void sign() throws CliFailure, SigningException, BundleVerificationException {
        byte[] configJson;
        if (signingConfig != null) {
            configJson = TrustOptions.read(signingConfig, "signing config");
        } else {
            Optional<byte[]> fromTuf = trust.signingConfigFromTuf();
            if (fromTuf.isEmpty()) {
                throw new CliFailure("no signing config: pass --signing-config FILE, or --tuf-url URL with --tuf-root FILE "
                        + "(or set " + TrustOptions.ENV_TUF_URL + " and " + TrustOptions.ENV_TUF_ROOT + "); sigstack has "
                        + "no built-in public-good or staging services" + (trust.staging ? " (--staging does not select them)" : ""));
            }
            configJson = fromTuf.get();
        }
        ServiceSelection services = ServiceSelection.select(ServiceSelection.parse(configJson), Instant.now());
        boolean rekorV2 = services.tlogs().stream().anyMatch(s -> s.getMajorApiVersion() == 2);
        if (rekorV2 && services.tsas().isEmpty()) {
            throw new CliFailure("the signing config selects a Rekor v2 log but no timestamp authority; Rekor v2 entries "
                    + "have no integrated time, so a bundle without an RFC 3161 timestamp cannot verify");
        }
        // an in-toto statement is small and read whole; any other file is streamed into its SHA-256 digest
        byte[] artifact = inToto ? TrustOptions.read(input, "in-toto statement") : null;
        byte[] fileDigest = inToto ? null : streamSha256(input);
        String payloadType = Dsse.IN_TOTO_PAYLOAD_TYPE;
        if (inToto) {
            checkStatement(artifact);
        }

        EphemeralSigner signer = EphemeralSigner.generate();
        String subject = IdentityTokens.challengeSubject(identityToken);
        byte[] certAnswer = http.post("CA", endpoint(services.ca(), FulcioRequests.PATH), "application/json", "application/json",
                FulcioRequests.signingCertRequest(identityToken, signer.publicKey(), signer.proofOfPossession(subject)));
        List<X509Certificate> chain = FulcioRequests.parseResponse(certAnswer);
        X509Certificate leaf = chain.get(0);
        if (!leaf.getPublicKey().equals(signer.publicKey())) {
            throw new SigningException("the CA's certificate is not for the key we sent");
        }

        byte[] signature;
        byte[] sha256;
        Envelope envelope = null;
        if (inToto) {
            byte[] pae = Dsse.pae(payloadType, artifact);
            signature = signer.sign(pae);
            sha256 = sha256(pae);
            envelope = BundleAssembler.envelope(payloadType, artifact, signature);
        } else {
            sha256 = fileDigest;
            signature = signer.signSha256Digest(sha256);
        }

        List<byte[]> timestamps = new ArrayList<>();
        for (Service tsa : services.tsas()) {
            TimeStampRequest req = TimestampRequests.request(signature);
            byte[] answer;
            try {
                answer = http.post("TSA", URI.create(tsa.getUrl()), TimestampRequests.CONTENT_TYPE, "application/timestamp-reply",
                        req.getEncoded());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            timestamps.add(TimestampRequests.checkResponse(req, answer));
        }

        List<TransparencyLogEntry> entries = new ArrayList<>();
        for (Service log : services.tlogs()) {
            if (log.getMajorApiVersion() == 2) {
                byte[] answer = http.post("Rekor v2", endpoint(log, RekorRequests.V2_PATH), "application/json", "application/json",
                        RekorRequests.v2HashedRekord(sha256, signature, leaf, EphemeralSigner.KEY_DETAILS));
                entries.add(RekorRequests.parseV2Response(answer));
            } else {
                byte[] body = inToto ? RekorRequests.v1Dsse(envelope, leaf) : RekorRequests.v1HashedRekord(sha256, signature, leaf);
                byte[] answer = http.post("Rekor", endpoint(log, RekorRequests.V1_PATH), "application/json", "application/json", body);
                entries.add(RekorRequests.parseV1Response(answer));
            }
        }
        Bundle b = inToto ? BundleAssembler.dsse(leaf, envelope, entries, timestamps)
                : BundleAssembler.messageSignature(leaf, sha256, signature, entries, timestamps);
        byte[] json = BundleAssembler.json(b);
        selfCheck(json, leaf, inToto ? subjectOf(artifact) : new Artifact.Digest(sha256));
        write(json);
        var out = spec.commandLine().getOut();
        out.println("wrote " + bundle + " (" + (inToto ? "DSSE in-toto" : "message signature") + ", "
                + entries.size() + " tlog entr" + (entries.size() == 1 ? "y" : "ies") + ", " + timestamps.size()
                + " timestamp(s))");
    }

    private void selfCheck(byte[] json, X509Certificate leaf, Artifact subject) throws CliFailure, BundleVerificationException {
        if (!trust.configured()) {
            spec.commandLine().getErr().println("warning: no trusted root given, the bundle was not verified before writing");
            return;
        }
        byte[] root = trust.trustedRootJson(); // a named but unusable trust source is an error, not a skip
        FulcioIdentity id;
        try {
            id = FulcioIdentity.of(leaf);
        } catch (InvalidFulcioExtensionException e) {
            throw new CliFailure("the CA's certificate has no Fulcio identity: " + e.getMessage(), e);
        }
        BundleVerifier.withCtlogThreshold(BundleVerifier.parseTrustedRoot(root), ctlogThreshold)
                .verify(json, subject, VerificationPolicy.identity(id.san().value(), id.issuer()));
    }

    /** For the self-check of an in-toto bundle: the first subject's digest. */
    private static Artifact subjectOf(byte[] statement) throws CliFailure {
        try {
            String hex = JSON.readTree(statement).path("subject").path(0).path("digest").path("sha256").asText("");
            return Artifact.parseDigest("sha256:" + hex);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliFailure("the in-toto statement's first subject has no sha256 digest", e);
        }
    }

    private static void checkStatement(byte[] artifact) throws CliFailure {
        JsonNode n;
        try {
            n = JSON.readTree(artifact);
        } catch (IOException e) {
            throw new CliFailure("--in-toto: the file is not JSON", e);
        }
        if (n == null || !n.isObject() || !n.path("_type").asText("").startsWith("https://in-toto.io/Statement/")
                || !n.path("subject").isArray() || n.path("subject").isEmpty()) {
            throw new CliFailure("--in-toto: the file is not an in-toto statement (_type https://in-toto.io/Statement/... "
                    + "with a subject list)");
        }
    }

    private void write(byte[] json) throws CliFailure {
        try {
            Path abs = bundle.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), ".sigstack-bundle", ".tmp");
            Files.write(tmp, json);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliFailure("cannot write bundle " + bundle + ": " + e.getMessage(), e);
        }
    }

    private static URI endpoint(Service s, String path) {
        String base = s.getUrl().endsWith("/") ? s.getUrl().substring(0, s.getUrl().length() - 1) : s.getUrl();
        return URI.create(base + path);
    }

    private static byte[] streamSha256(Path file) throws CliFailure {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (IOException e) {
            throw new CliFailure("cannot read artifact " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
