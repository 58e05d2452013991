package dev.sigstack.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.bundle.SigstoreBundle;
import dev.sigstack.core.bundle.TlogVerificationException;
import dev.sigstack.core.bundle.TlogVerifier;
import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.MalformedCtDataException;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctList;
import dev.sigstack.core.ct.SctVerificationException;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.rekor.PublicKeyMaterial.HashAlgorithm;
import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.InvalidFulcioExtensionException;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.RFC3161SignedTimestamp;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.CertificateAuthority;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Verifies a Sigstore bundle against a trusted root, an artifact and a policy, as sigstore-go, sigstore-js and
 * sigstore-java do:
 *
 * <ol>
 *   <li>the bundle parses, has a known media type (v0.1 to v0.3), exactly one signature, and a certificate, a
 *       non-empty certificate chain (only its leaf is used) or a public key hint matching the policy;</li>
 *   <li>every transparency log entry verifies ({@link TlogVerifier}: a trusted log, SET, inclusion proof,
 *       checkpoint, and a body that describes this signature, key and content); at least one entry;</li>
 *   <li>every RFC 3161 timestamp verifies against the trusted root's timestamp authorities; the signing times
 *       are these and the integrated times of entries with a verified SignedEntryTimestamp; at least one;</li>
 *   <li>keyless: at every signing time the certificate is valid and chains to a certificate authority of the
 *       trusted root valid at that time; it carries enough verified SCTs from trusted CT logs (default one); its
 *       SAN and OIDC issuer match the policy;</li>
 *   <li>the signature verifies over the artifact (message signature, with the bundle's digest equal to the
 *       artifact's) or over the DSSE PAE, and an in-toto statement names the artifact's SHA-256 among its
 *       subjects.</li>
 * </ol>
 *
 * Instances are immutable and thread-safe.
 */
public final class BundleVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The in-toto Statement layer's types (in-toto attestation framework v0.1 and v1). */
    static final List<String> STATEMENT_TYPES = List.of("https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1");
    /** As sigstore-go: more subjects than this are refused (denial of service). */
    static final int MAX_SUBJECTS = 1024;
    /** As sigstore-go: at most this many tlog entries and RFC 3161 timestamps in one bundle. */
    static final int MAX_TLOG_ENTRIES = 32;
    static final int MAX_TIMESTAMPS = 32;

    private final TrustedRoot trustedRoot;
    private final TlogVerifier tlogVerifier;
    private final int ctlogThreshold;
    /** The trusted root's CAs and TSAs, decoded once; null when one does not decode ({@link #rootProblem}). */
    private final List<CertificatePaths.Authority> cas;
    private final List<CertificatePaths.Authority> tsas;
    private final BundleVerificationException.InvalidTrustedRoot rootProblem;

    private BundleVerifier(TrustedRoot trustedRoot, int ctlogThreshold) {
        this.trustedRoot = Objects.requireNonNull(trustedRoot, "trustedRoot");
        this.tlogVerifier = new TlogVerifier(trustedRoot);
        if (ctlogThreshold < 0) {
            throw new IllegalArgumentException("CT log threshold must not be negative");
        }
        this.ctlogThreshold = ctlogThreshold;
        List<CertificatePaths.Authority> c = new ArrayList<>();
        List<CertificatePaths.Authority> t = new ArrayList<>();
        BundleVerificationException.InvalidTrustedRoot problem = null;
        try {
            for (CertificateAuthority ca : trustedRoot.getCertificateAuthoritiesList()) {
                c.add(authority(ca));
            }
            for (CertificateAuthority tsa : trustedRoot.getTimestampAuthoritiesList()) {
                t.add(authority(tsa));
            }
        } catch (BundleVerificationException.InvalidTrustedRoot e) {
            problem = e;
        }
        this.cas = problem == null ? List.copyOf(c) : null;
        this.tsas = problem == null ? List.copyOf(t) : null;
        this.rootProblem = problem;
    }

    /** A verifier that requires one SCT, as the Sigstore clients do by default. */
    public static BundleVerifier of(TrustedRoot trustedRoot) {
        return new BundleVerifier(trustedRoot, 1);
    }

    /** A verifier with another SCT threshold (0 for a CA that does not log to CT). */
    public static BundleVerifier withCtlogThreshold(TrustedRoot trustedRoot, int ctlogThreshold) {
        return new BundleVerifier(trustedRoot, ctlogThreshold);
    }

    /** Reads a {@code trusted_root.json} (protobuf JSON). */
    public static TrustedRoot parseTrustedRoot(byte[] json) throws BundleVerificationException.InvalidTrustedRoot {
        try {
            return TlogVerifier.parseTrustedRoot(json);
        } catch (TlogVerificationException.InvalidTrustRoot e) {
            throw new BundleVerificationException.InvalidTrustedRoot(e.getMessage(), e);
        }
    }

    /** Parses bundle JSON and verifies it. */
    public VerificationResult verify(byte[] bundleJson, Artifact artifact, VerificationPolicy policy)
            throws BundleVerificationException {
        SigstoreBundle bundle;
        try {
            bundle = SigstoreBundle.parse(bundleJson);
        } catch (TlogVerificationException.MalformedBundle e) {
            throw new BundleVerificationException.MalformedBundle(e.getMessage(), e);
        }
        return verify(bundle, artifact, policy);
    }

    /** Verifies a parsed bundle; returns what was proven, throws the first failure. */
    public VerificationResult verify(SigstoreBundle sb, Artifact artifact, VerificationPolicy policy)
            throws BundleVerificationException {
        Objects.requireNonNull(sb, "bundle");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(policy, "policy");
        if (rootProblem != null) {
            throw rootProblem;
        }
        Bundle bundle = sb.bundle();
        byte[] signature = signatureBytes(bundle);

        // 1. verification material and policy
        VerificationMaterial vm = bundle.getVerificationMaterial();
        X509Certificate leaf = null;
        PublicKey signerKey;
        switch (vm.getContentCase()) {
            case CERTIFICATE -> leaf = certificate(vm.getCertificate().getRawBytes().toByteArray());
            case X509_CERTIFICATE_CHAIN -> {
                if (sb.minorVersion() >= 3) {
                    // sigstore-go's bundle validation: a v0.3 bundle carries the leaf alone, as "certificate"
                    throw new BundleVerificationException.MalformedBundle(
                            "a v0.3 bundle must carry a single certificate, not an X.509 certificate chain", null);
                }
                if (vm.getX509CertificateChain().getCertificatesCount() == 0) {
                    throw new BundleVerificationException.MalformedBundle("the bundle's certificate chain is empty", null);
                }
                leaf = certificate(vm.getX509CertificateChain().getCertificates(0).getRawBytes().toByteArray());
            }
            case PUBLIC_KEY -> { }
            default -> throw new BundleVerificationException.MalformedBundle("the bundle has no verification material", null);
        }
        if (leaf != null && policy instanceof VerificationPolicy.Key) {
            throw new BundleVerificationException.WrongVerificationMaterial("a certificate", "a public key");
        }
        if (leaf == null && policy instanceof VerificationPolicy.Identity) {
            throw new BundleVerificationException.WrongVerificationMaterial(
                    "a managed key (hint \"" + vm.getPublicKey().getHint() + "\")", "a certificate identity");
        }
        signerKey = leaf != null ? leaf.getPublicKey() : ((VerificationPolicy.Key) policy).key();

        // 2. transparency log (sigstore-go's denial-of-service limits first)
        if (vm.getTlogEntriesCount() > MAX_TLOG_ENTRIES) {
            throw new BundleVerificationException.MalformedBundle("the bundle has " + vm.getTlogEntriesCount()
                    + " transparency log entries, more than " + MAX_TLOG_ENTRIES, null);
        }
        if (vm.getTimestampVerificationData().getRfc3161TimestampsCount() > MAX_TIMESTAMPS) {
            throw new BundleVerificationException.MalformedBundle("the bundle has "
                    + vm.getTimestampVerificationData().getRfc3161TimestampsCount() + " RFC 3161 timestamps, more than "
                    + MAX_TIMESTAMPS, null);
        }
        for (int i = 0; i < vm.getTlogEntriesCount(); i++) {
            for (int j = i + 1; j < vm.getTlogEntriesCount(); j++) {
                TransparencyLogEntry a = vm.getTlogEntries(i);
                TransparencyLogEntry b = vm.getTlogEntries(j);
                if (a.getLogId().getKeyId().equals(b.getLogId().getKeyId()) && a.getLogIndex() == b.getLogIndex()) {
                    throw new BundleVerificationException.MalformedBundle("the bundle lists log entry " + a.getLogIndex()
                            + " of one log twice", null);
                }
            }
        }
        List<TransparencyLogEntry> verifiedEntries;
        try {
            verifiedEntries = tlogVerifier.verify(sb, leaf == null ? signerKey : null);
        } catch (TlogVerificationException e) {
            throw new BundleVerificationException.TransparencyLogFailure(e);
        }
        List<SigningTime> times = new ArrayList<>();
        for (TransparencyLogEntry e : verifiedEntries) { // an entry from an unknown log vouches for nothing
            if (e.getIntegratedTime() > 0 && e.hasInclusionPromise()
                    && !e.getInclusionPromise().getSignedEntryTimestamp().isEmpty()) {
                times.add(new SigningTime(SigningTime.Source.TRANSPARENCY_LOG, logUrl(e),
                        Instant.ofEpochSecond(e.getIntegratedTime())));
            }
        }

        // 3. RFC 3161 timestamps
        List<RFC3161SignedTimestamp> stamps = vm.getTimestampVerificationData().getRfc3161TimestampsList();
        if (!stamps.isEmpty()) {
            for (int i = 0; i < stamps.size(); i++) {
                Instant t = Rfc3161Timestamps.verify(i, stamps.get(i).getSignedTimestamp().toByteArray(), signature, tsas);
                times.add(new SigningTime(SigningTime.Source.TIMESTAMP_AUTHORITY, "rfc3161[" + i + "]", t));
            }
        }
        if (times.isEmpty()) {
            throw new BundleVerificationException.MissingTimestamp(1, 0);
        }

        // 4. certificate: path at every signing time, SCTs, identity
        FulcioIdentity identity = null;
        if (leaf != null) {
            // as sigstore-go: any integrated time, signed by a SET or not, must fall within the certificate's life
            for (TransparencyLogEntry e : vm.getTlogEntriesList()) {
                if (e.getIntegratedTime() > 0) {
                    Instant t = Instant.ofEpochSecond(e.getIntegratedTime());
                    if (t.isBefore(leaf.getNotBefore().toInstant()) || t.isAfter(leaf.getNotAfter().toInstant())) {
                        throw new BundleVerificationException.CertificateNotValidAtSigningTime(t,
                                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
                    }
                }
            }
            checkCodeSigning(leaf, times.get(0).time());
            X509Certificate issuer = null;
            for (SigningTime t : times) {
                issuer = validatePath(leaf, t.time());
            }
            verifyScts(leaf, issuer);
            identity = checkIdentity(leaf, (VerificationPolicy.Identity) policy);
        }

        // 5. signature over the artifact
        PublicKeyMaterial key;
        try {
            key = PublicKeyMaterial.fromSpkiDer(signerKey.getEncoded());
        } catch (ProposedEntryException.Malformed e) {
            throw new BundleVerificationException.InvalidSignature("the signer's key is unusable: " + e.getMessage(), e);
        }
        if (bundle.hasMessageSignature()) {
            verifyMessageSignature(bundle, artifact, key, signature);
        } else {
            verifyEnvelope(bundle.getDsseEnvelope(), artifact, key);
        }
        return new VerificationResult(identity, times, vm.getTlogEntriesCount());
    }

    private static byte[] signatureBytes(Bundle bundle) throws BundleVerificationException.MalformedBundle {
        byte[] sig;
        if (bundle.hasMessageSignature()) {
            sig = bundle.getMessageSignature().getSignature().toByteArray();
        } else if (bundle.hasDsseEnvelope()) {
            if (bundle.getDsseEnvelope().getSignaturesCount() != 1) {
                throw new BundleVerificationException.MalformedBundle("the DSSE envelope has "
                        + bundle.getDsseEnvelope().getSignaturesCount() + " signatures; a bundle carries exactly one", null);
            }
            sig = bundle.getDsseEnvelope().getSignatures(0).getSig().toByteArray();
        } else {
            throw new BundleVerificationException.MalformedBundle("the bundle has neither a message signature nor a DSSE envelope", null);
        }
        if (sig.length == 0) {
            throw new BundleVerificationException.MalformedBundle("the bundle's signature is empty", null);
        }
        return sig;
    }

    private static X509Certificate certificate(byte[] der) throws BundleVerificationException.MalformedBundle {
        try {
            return CertificatePaths.parse(der);
        } catch (CertificateException | RuntimeException e) {
            throw new BundleVerificationException.MalformedBundle("the bundle's certificate is not valid DER X.509", e);
        }
    }

    private static CertificatePaths.Authority authority(CertificateAuthority ca)
            throws BundleVerificationException.InvalidTrustedRoot {
        try {
            return CertificatePaths.authority(ca);
        } catch (CertificateException | RuntimeException e) {
            throw new BundleVerificationException.InvalidTrustedRoot(
                    "authority " + ca.getUri() + " has an unreadable certificate: " + e.getMessage(), e);
        }
    }

    private String logUrl(TransparencyLogEntry e) {
        for (TransparencyLogInstance t : trustedRoot.getTlogsList()) {
            if (t.getLogId().getKeyId().equals(e.getLogId().getKeyId())) {
                return t.getBaseUrl();
            }
        }
        return HexFormat.of().formatHex(e.getLogId().getKeyId().toByteArray());
    }

    private X509Certificate validatePath(X509Certificate leaf, Instant time) throws BundleVerificationException {
        if (time.isBefore(leaf.getNotBefore().toInstant()) || time.isAfter(leaf.getNotAfter().toInstant())) {
            throw new BundleVerificationException.CertificateNotValidAtSigningTime(time,
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        }
        List<String> reasons = new ArrayList<>();
        for (CertificatePaths.Authority a : cas) {
            if (!a.validAt(time)) {
                reasons.add(a.uri() + " (" + a.root().getSubjectX500Principal().getName()
                        + ") is not trusted at that time");
                continue;
            }
            try {
                return CertificatePaths.validate(leaf, a, time);
            } catch (GeneralSecurityException | RuntimeException e) {
                reasons.add(a.uri() + " (" + a.root().getSubjectX500Principal().getName() + "): " + e.getMessage());
            }
        }
        if (reasons.isEmpty()) {
            reasons.add("the trusted root has no certificate authority");
        }
        throw new BundleVerificationException.UntrustedCertificate(time, String.join("; ", reasons));
    }

    /**
     * As sigstore-go's path validation asks: the leaf's extended key usage includes code signing; and the leaf is not
     * a CA (as sigstore-rs refuses one: a signer must not be able to issue certificates).
     */
    static void checkCodeSigning(X509Certificate leaf, Instant signingTime) throws BundleVerificationException {
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new BundleVerificationException.MalformedBundle("the certificate's extended key usage is malformed", e);
        }
        if (eku == null || !eku.contains("1.3.6.1.5.5.7.3.3")) {
            throw new BundleVerificationException.UntrustedCertificate(signingTime,
                    "the certificate's extended key usage does not include code signing (1.3.6.1.5.5.7.3.3)");
        }
        if (leaf.getBasicConstraints() != -1) {
            throw new BundleVerificationException.UntrustedCertificate(signingTime,
                    "the signing certificate is a CA certificate (basic constraints cA=true)");
        }
    }

    private void verifyScts(X509Certificate leaf, X509Certificate issuer) throws BundleVerificationException {
        if (ctlogThreshold == 0) {
            return;
        }
        X509CertificateHolder leafHolder;
        X509CertificateHolder issuerHolder;
        try {
            leafHolder = new X509CertificateHolder(leaf.getEncoded());
            issuerHolder = new X509CertificateHolder(issuer.getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            throw new BundleVerificationException.MalformedBundle("cannot re-encode the certificate", e);
        }
        Extension ext = leafHolder.getExtension(CtOids.SCT_LIST);
        if (ext == null) {
            throw new BundleVerificationException.InsufficientScts(ctlogThreshold, 0, "the certificate has no embedded SCT");
        }
        List<Sct> scts;
        try {
            scts = SctList.parseExtensionValue(ext.getExtnValue().getOctets());
        } catch (MalformedCtDataException e) {
            throw new BundleVerificationException.InsufficientScts(ctlogThreshold, 0,
                    "the embedded SCT list is malformed: " + e.getMessage());
        }
        java.util.Set<String> verifiedLogs = new java.util.HashSet<>(); // as sigstore-go: distinct logs count
        List<String> reasons = new ArrayList<>();
        for (Sct sct : scts) {
            String id = HexFormat.of().formatHex(sct.logId());
            if (verifiedLogs.contains(id)) {
                continue;
            }
            TransparencyLogInstance log = null;
            for (TransparencyLogInstance c : trustedRoot.getCtlogsList()) {
                if (Arrays.equals(c.getLogId().getKeyId().toByteArray(), sct.logId())) {
                    log = c;
                    break;
                }
            }
            if (log == null) {
                reasons.add("SCT from unknown log " + id);
                continue;
            }
            Instant at = Instant.ofEpochMilli(sct.timestamp());
            if (!log.getPublicKey().getValidFor().hasStart()
                    || !new CertificatePaths.Authority(log.getBaseUrl(), log.getPublicKey().getValidFor(), List.of()).validAt(at)) {
                reasons.add("SCT time " + at + " is outside the validity of log " + log.getBaseUrl());
                continue;
            }
            try {
                PublicKey logKey = PublicKeyMaterial.publicKeyFromSpki(log.getPublicKey().getRawBytes().toByteArray());
                SctVerifier.verify(sct, Precertificates.embeddedEntry(leafHolder, issuerHolder), logKey);
                verifiedLogs.add(id);
            } catch (GeneralSecurityException | SctVerificationException | RuntimeException e) {
                reasons.add("SCT from " + log.getBaseUrl() + ": " + e.getMessage());
            }
        }
        if (verifiedLogs.size() < ctlogThreshold) {
            throw new BundleVerificationException.InsufficientScts(ctlogThreshold, verifiedLogs.size(), String.join("; ", reasons));
        }
    }

    static FulcioIdentity checkIdentity(X509Certificate leaf, VerificationPolicy.Identity policy)
            throws BundleVerificationException {
        FulcioIdentity id;
        try {
            id = FulcioIdentity.of(leaf);
        } catch (InvalidFulcioExtensionException e) {
            throw new BundleVerificationException.IdentityMismatch(policy.san().toString(), "that cannot be read (" + e.getMessage() + ")");
        }
        if (!policy.san().matches(id.san().value())) {
            throw new BundleVerificationException.IdentityMismatch(policy.san().toString(), id.san().value());
        }
        if (!policy.issuer().matches(id.issuer())) {
            throw new BundleVerificationException.IssuerMismatch(policy.issuer().toString(), id.issuer());
        }
        return id;
    }

    private static void verifyMessageSignature(Bundle bundle, Artifact artifact, PublicKeyMaterial key, byte[] signature)
            throws BundleVerificationException {
        var ms = bundle.getMessageSignature();
        HashAlgorithm hash = defaultHash(key.publicKey());
        if (ms.hasMessageDigest()) {
            hash = switch (ms.getMessageDigest().getAlgorithm()) {
                case SHA2_256 -> HashAlgorithm.SHA256;
                case SHA2_384 -> HashAlgorithm.SHA384;
                case SHA2_512 -> HashAlgorithm.SHA512;
                default -> throw new BundleVerificationException.MalformedBundle(
                        "unsupported message digest algorithm " + ms.getMessageDigest().getAlgorithm(), null);
            };
        }
        byte[] digest = switch (artifact) {
            case Artifact.Bytes b -> b.digest(hash.digestName());
            case Artifact.Digest d -> {
                if (hash != HashAlgorithm.SHA256) {
                    throw new BundleVerificationException.ArtifactMismatch(hash.rekorName() + " digest",
                            "sha256:" + HexFormat.of().formatHex(d.sha256()));
                }
                yield d.sha256();
            }
        };
        String artifactDigest = hash.rekorName() + ":" + HexFormat.of().formatHex(digest);
        if (ms.hasMessageDigest() && !Arrays.equals(ms.getMessageDigest().getDigest().toByteArray(), digest)) {
            throw new BundleVerificationException.ArtifactMismatch(
                    hash.rekorName() + ":" + HexFormat.of().formatHex(ms.getMessageDigest().getDigest().toByteArray()),
                    artifactDigest);
        }
        try {
            String alg = key.publicKey().getAlgorithm();
            if ((alg.equals("Ed25519") || alg.equals("EdDSA")) && artifact instanceof Artifact.Bytes b) {
                key.verifyMessage(b.bytes(), signature, hash);
            } else {
                key.verifyDigest(digest, signature, hash);
            }
        } catch (ProposedEntryException.SignatureInvalid e) {
            throw new BundleVerificationException.InvalidSignature(
                    "the signature does not verify over artifact " + artifactDigest + " with the signer's key", e);
        }
    }

    private static void verifyEnvelope(Envelope env, Artifact artifact, PublicKeyMaterial key)
            throws BundleVerificationException {
        byte[] pae = Dsse.pae(env.getPayloadType(), env.getPayload().toByteArray());
        try {
            key.verifyMessage(pae, env.getSignatures(0).getSig().toByteArray(), defaultHash(key.publicKey()));
        } catch (ProposedEntryException.SignatureInvalid e) {
            throw new BundleVerificationException.InvalidSignature(
                    "the DSSE envelope signature does not verify over its PAE with the signer's key", e);
        }
        String sha256 = HexFormat.of().formatHex(artifact.sha256());
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.getPayloadType())) {
            throw new BundleVerificationException.ArtifactMismatch("a " + env.getPayloadType() + " payload (not an in-toto statement)",
                    "sha256:" + sha256);
        }
        JsonNode statement;
        try {
            statement = JSON.readTree(env.getPayload().toByteArray());
        } catch (IOException e) {
            throw new BundleVerificationException.MalformedBundle("the in-toto statement is not JSON", e);
        }
        if (statement == null || !statement.isObject()) {
            throw new BundleVerificationException.MalformedBundle("the in-toto statement is not a JSON object", null);
        }
        String type = statement.path("_type").asText("");
        if (!STATEMENT_TYPES.contains(type)) {
            throw new BundleVerificationException.MalformedBundle("the in-toto statement's _type is "
                    + (type.isEmpty() ? "missing" : type) + ", not one of " + STATEMENT_TYPES, null);
        }
        JsonNode subjects = statement.path("subject");
        if (!subjects.isArray() || subjects.isEmpty()) {
            throw new BundleVerificationException.MalformedBundle("the in-toto statement has no subjects", null);
        }
        if (subjects.size() > MAX_SUBJECTS) {
            throw new BundleVerificationException.MalformedBundle("the in-toto statement has " + subjects.size()
                    + " subjects, more than " + MAX_SUBJECTS, null);
        }
        List<String> listed = new ArrayList<>();
        for (JsonNode s : subjects) {
            JsonNode digests = s.path("digest");
            for (String alg : List.of("sha256", "sha384", "sha512")) {
                String d = digests.path(alg).asText("");
                if (d.isEmpty()) {
                    continue;
                }
                listed.add(alg + ":" + d);
                String ours = switch (alg) {
                    case "sha256" -> sha256;
                    default -> artifact instanceof Artifact.Bytes b
                            ? HexFormat.of().formatHex(b.digest(alg.equals("sha384") ? "SHA-384" : "SHA-512")) : null;
                };
                if (ours != null && d.equalsIgnoreCase(ours)) {
                    return;
                }
            }
        }
        throw new BundleVerificationException.ArtifactMismatch("in-toto subjects " + listed, "sha256:" + sha256);
    }

    /** The hash Sigstore clients pair with a key: SHA-384 for P-384, SHA-512 for P-521, otherwise SHA-256. */
    static HashAlgorithm defaultHash(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits == 384 ? HashAlgorithm.SHA384 : bits == 521 ? HashAlgorithm.SHA512 : HashAlgorithm.SHA256;
        }
        return key.getAlgorithm().startsWith("Ed") ? HashAlgorithm.SHA512 : HashAlgorithm.SHA256;
    }
}
