package dev.sigstack.tlog.ct;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CertificateHolder;

import dev.sigstack.core.ct.DigitallySigned;
import dev.sigstack.core.ct.LogId;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SignedEntry;
import dev.sigstack.core.ct.TreeHead;
import dev.sigstack.core.ecdsa.Ecdsa;
import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.PushbackException;

/**
 * The CT log's logic over a {@link LogEngine}: chain checks, leaf building, SCT and STH signing.
 *
 * <p>Chains must be in order (each certificate signed by the next) and end at, or be signed by, one of the
 * accepted roots. Precertificates must carry the critical poison extension and be signed directly by the CA
 * (Precertificate Signing Certificates are refused). A certificate already in the log gets an SCT with the
 * timestamp of its existing entry.
 */
public final class CtLog {
    /** RFC 6962 leaves stay well under the engine's 64 KiB limit with a 3-certificate chain. */
    public static final int MAX_ENTRIES_PER_GET = 256;
    private static final String LEAF_INDEX_PREFIX = "ct-leaf:";
    private static final int VERIFIED_LINKS_MAX = 64;

    private final LogEngine engine;
    private final PrivateKey key;
    /** The log key as an in-memory ECDSA signer (several times cheaper than the JDK's), or null: use the JCA. */
    private final Ecdsa.Signer fastSigner;
    private final PublicKey publicKey;
    private final byte[] logId;
    private final String signatureAlgorithm;
    private final int sigAlgByte;
    private final List<X509Certificate> roots;
    private final Clock clock;
    private volatile SignedTreeHead cachedSth;
    private final java.util.Map<String, Issuers> verifiedIssuerChains = java.util.Collections.synchronizedMap(
        new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<String, Issuers> eldest) {
                return size() > VERIFIED_LINKS_MAX;
            }
        });

    /**
     * An issuer chain already checked up to an accepted root, kept parsed; {@code verifier} checks signatures by
     * the first certificate's key with its precomputation kept (null: not an ECDSA key the fast path handles).
     */
    private record Issuers(List<X509Certificate> certs, Ecdsa.Verifier verifier, X509CertificateHolder first) { }

    /** A checked chain: its length and its first issuer (null for a chain of one). */
    private record Checked(int length, X509CertificateHolder issuer) { }

    /** A signed tree head. */
    public record SignedTreeHead(TreeHead head, DigitallySigned signature) { }

    /** A stored entry as get-entries serves it. */
    public record LeafEntry(byte[] leafInput, byte[] extraData) { }

    /** An audit path for get-proof-by-hash. */
    public record InclusionProof(long leafIndex, List<byte[]> auditPath) { }

    public CtLog(LogEngine engine, PrivateKey key, PublicKey publicKey, List<X509Certificate> roots, Clock clock) {
        this.engine = engine;
        this.key = key;
        this.fastSigner = Ecdsa.Signer.of(key).orElse(null);
        this.publicKey = publicKey;
        this.logId = LogId.of(publicKey);
        this.sigAlgByte = DigitallySigned.signatureAlgorithmFor(publicKey);
        this.signatureAlgorithm = sigAlgByte == DigitallySigned.ECDSA ? "SHA256withECDSA" : "SHA256withRSA";
        this.roots = List.copyOf(roots);
        this.clock = clock;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public byte[] logId() {
        return logId.clone();
    }

    public List<X509Certificate> roots() {
        return roots;
    }

    /** {@code add-chain}: an X.509 entry. */
    public Sct addChain(List<byte[]> chain) throws InvalidChainException, PushbackException {
        X509CertificateHolder leaf = holder(nonEmpty(chain).getFirst());
        verifyChain(chain, leaf);
        if (Precertificates.isPrecertificate(leaf)) {
            throw new InvalidChainException("add-chain got a precertificate; use add-pre-chain");
        }
        SignedEntry entry = new SignedEntry.X509Entry(chain.getFirst());
        return add(entry, chain.getFirst(), x509ExtraData(chain));
    }

    /** {@code add-pre-chain}: a precertificate entry. */
    public Sct addPreChain(List<byte[]> chain) throws InvalidChainException, PushbackException {
        X509CertificateHolder precert = holder(nonEmpty(chain).getFirst());
        Checked checked = verifyChain(chain, precert);
        if (!Precertificates.isPrecertificate(precert)) {
            throw new InvalidChainException("add-pre-chain needs a precertificate with the critical poison extension");
        }
        if (checked.length() < 2) {
            throw new InvalidChainException("a precertificate chain needs its issuer");
        }
        X509CertificateHolder issuer = checked.issuer();
        if (issuer.getExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage) != null
                && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(issuer.getExtensions())
                    .hasKeyPurposeId(org.bouncycastle.asn1.x509.KeyPurposeId.getInstance(dev.sigstack.core.ct.CtOids.PRECERT_SIGNING_EKU))) {
            throw new InvalidChainException("precertificate signing certificates are not supported");
        }
        SignedEntry entry = Precertificates.precertEntry(precert, issuer);
        return add(entry, chain.getFirst(), precertExtraData(chain));
    }

    private Sct add(SignedEntry entry, byte[] leafCert, byte[] extraData) throws PushbackException {
        long timestamp = clock.millis();
        byte[] leaf = entry.merkleTreeLeaf(timestamp, new byte[0]);
        try {
            // Dedup by certificate: a resubmission gets an SCT with the existing entry's timestamp.
            engine.add(new LogEngine.NewEntry(leaf, LogId.sha256(leafCert),
                List.of(LEAF_INDEX_PREFIX + HexFormat.of().formatHex(leafHash(leaf))), extraData));
            return sign(entry, timestamp);
        } catch (DuplicateEntryException e) {
            Optional<LogEngine.StoredEntry> stored = engine.entry(e.existingIndex());
            return sign(entry, stored.map(x -> leafTimestamp(x.leafData())).orElse(timestamp));
        }
    }

    private Sct sign(SignedEntry entry, long timestamp) {
        byte[] sig = sign(entry.signatureInput(timestamp, new byte[0]));
        return new Sct(logId, timestamp, new byte[0], new DigitallySigned(DigitallySigned.SHA256, sigAlgByte, sig));
    }

    /** {@code get-sth}: the newest published checkpoint, signed as an RFC 6962 tree head. */
    public SignedTreeHead signedTreeHead() {
        LogEngine.PublishedCheckpoint cp = engine.checkpoint();
        SignedTreeHead cached = cachedSth;
        if (cached != null && cached.head().treeSize() == cp.size() && Arrays.equals(cached.head().rootHash(), cp.rootHash())) {
            return cached;
        }
        long ts = Math.max(clock.millis(), cached == null ? 0 : cached.head().timestamp());
        TreeHead head = new TreeHead(ts, cp.size(), cp.rootHash());
        SignedTreeHead sth = new SignedTreeHead(head,
            new DigitallySigned(DigitallySigned.SHA256, sigAlgByte, sign(head.signatureInput())));
        cachedSth = sth;
        return sth;
    }

    /** {@code get-sth-consistency}. */
    public List<byte[]> consistency(long first, long second) {
        long size = engine.checkpoint().size();
        if (first < 0 || second < first || second > size) {
            throw new IllegalArgumentException("need 0 <= first <= second <= " + size);
        }
        if (first == 0 || first == second) {
            return List.of();
        }
        return engine.consistencyProof(first, second);
    }

    /** {@code get-proof-by-hash}; empty if the leaf is not in the tree of that size. */
    public Optional<InclusionProof> proofByHash(byte[] leafHash, long treeSize) {
        long size = engine.checkpoint().size();
        if (treeSize < 1 || treeSize > size) {
            throw new IllegalArgumentException("tree_size must be 1.." + size);
        }
        List<Long> found = engine.search(LEAF_INDEX_PREFIX + HexFormat.of().formatHex(leafHash), 1);
        if (found.isEmpty() || found.getFirst() >= treeSize) {
            return Optional.empty();
        }
        long index = found.getFirst();
        return Optional.of(new InclusionProof(index, engine.inclusionProof(index, treeSize)));
    }

    /** {@code get-entries}: at most {@link #MAX_ENTRIES_PER_GET}, clipped to the published tree. */
    public List<LeafEntry> entries(long start, long end) {
        long size = engine.checkpoint().size();
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("need 0 <= start <= end");
        }
        if (start >= size) {
            throw new IllegalArgumentException("start is beyond the tree size " + size);
        }
        long last = Math.min(Math.min(end, size - 1), start + MAX_ENTRIES_PER_GET - 1);
        List<LeafEntry> out = new ArrayList<>();
        for (long i = start; i <= last; i++) {
            LogEngine.StoredEntry e = engine.entry(i).orElseThrow(() -> new IllegalStateException("published entry missing"));
            out.add(new LeafEntry(e.leafData(), e.extraData()));
        }
        return out;
    }

    /** RFC 6962 leaf hash: SHA-256(0x00 || leaf). */
    public static byte[] leafHash(byte[] leaf) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((byte) 0);
            return md.digest(leaf);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long leafTimestamp(byte[] leaf) {
        long ts = 0;
        for (int i = 2; i < 10; i++) {
            ts = (ts << 8) | (leaf[i] & 0xff);
        }
        return ts;
    }

    private byte[] sign(byte[] data) {
        try {
            if (fastSigner != null) {
                return fastSigner.sign(signatureAlgorithm, data);
            }
            Signature s = Signature.getInstance(signatureAlgorithm);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the CT log key cannot sign", e);
        }
    }

    private static List<byte[]> nonEmpty(List<byte[]> chain) throws InvalidChainException {
        if (chain == null || chain.isEmpty()) {
            throw new InvalidChainException("chain is empty");
        }
        return chain;
    }

    /** Checks the chain; {@code first} is the first certificate, already decoded. */
    private Checked verifyChain(List<byte[]> chain, X509CertificateHolder first) throws InvalidChainException {
        if (chain == null || chain.isEmpty()) {
            throw new InvalidChainException("chain is empty");
        }
        if (chain.size() > 10) {
            throw new InvalidChainException("chain is too long");
        }
        // The issuer part of the chain (CA certificates) repeats on every submission: check it once, keep it parsed.
        String issuerKey = chain.size() > 1 ? HexFormat.of().formatHex(LogId.sha256(concat(chain.subList(1, chain.size())))) : null;
        Issuers known = issuerKey == null ? null : verifiedIssuerChains.get(issuerKey);
        if (known != null && known.verifier() != null) {
            String alg = ecdsaAlgorithm(first);
            if (alg != null) {
                // Hot path: one ECDSA check of the new certificate with the issuer key's kept precomputation.
                try {
                    known.verifier().verify(alg, first.toASN1Structure().getTBSCertificate().getEncoded(ASN1Encoding.DER),
                        first.getSignature());
                } catch (java.io.IOException | GeneralSecurityException e) {
                    throw new InvalidChainException("certificate 0 of the chain is not signed by the next");
                }
                return new Checked(chain.size(), known.first());
            }
        }
        List<X509Certificate> knownIssuers = known == null ? null : known.certs();
        List<X509Certificate> certs = new ArrayList<>();
        certs.add(parse(chain.getFirst()));
        if (knownIssuers != null) {
            certs.addAll(knownIssuers);
        } else {
            for (byte[] der : chain.subList(1, chain.size())) {
                certs.add(parse(der));
            }
        }
        int toCheck = knownIssuers != null ? 1 : certs.size() - 1;
        for (int i = 0; i < toCheck; i++) {
            if (certs.get(i + 1).getBasicConstraints() < 0) {
                throw new InvalidChainException("certificate " + (i + 1) + " of the chain is not a CA");
            }
            if (!verifies(certs.get(i), certs.get(i + 1).getPublicKey())) {
                throw new InvalidChainException("certificate " + i + " of the chain is not signed by the next");
            }
        }
        if (knownIssuers != null) {
            return new Checked(certs.size(), known.first());
        }
        X509Certificate last = certs.getLast();
        for (X509Certificate root : roots) {
            if (root.equals(last) || (last.getIssuerX500Principal().equals(root.getSubjectX500Principal())
                    && verifies(last, root.getPublicKey()))) {
                X509CertificateHolder issuer = chain.size() > 1 ? holder(chain.get(1)) : null;
                if (issuerKey != null) {
                    verifiedIssuerChains.put(issuerKey, new Issuers(List.copyOf(certs.subList(1, certs.size())),
                        Ecdsa.Verifier.of(certs.get(1).getPublicKey()).orElse(null), issuer));
                }
                return new Checked(certs.size(), issuer);
            }
        }
        throw new InvalidChainException("chain does not end at an accepted root");
    }

    /**
     * The JCA name of the certificate's signature algorithm when it is ECDSA with SHA-2 and the signed TBS names
     * the same algorithm (as the JDK's parser requires); null otherwise, and the JDK checks the certificate.
     */
    private static String ecdsaAlgorithm(X509CertificateHolder cert) {
        org.bouncycastle.asn1.x509.AlgorithmIdentifier outer = cert.getSignatureAlgorithm();
        if (!outer.equals(cert.toASN1Structure().getTBSCertificate().getSignature()) || outer.getParameters() != null) {
            return null;
        }
        String oid = outer.getAlgorithm().getId();
        return switch (oid) {
            case "1.2.840.10045.4.3.2" -> "SHA256withECDSA";
            case "1.2.840.10045.4.3.3" -> "SHA384withECDSA";
            case "1.2.840.10045.4.3.4" -> "SHA512withECDSA";
            default -> null;
        };
    }

    private static X509Certificate parse(byte[] der) throws InvalidChainException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new InvalidChainException("chain holds a certificate that cannot be parsed");
        }
    }

    private static boolean verifies(X509Certificate cert, PublicKey key) {
        try {
            cert.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509CertificateHolder holder(byte[] der) throws InvalidChainException {
        try {
            return new X509CertificateHolder(der);
        } catch (java.io.IOException e) {
            throw new InvalidChainException("chain holds a certificate that cannot be parsed");
        }
    }

    private static byte[] x509ExtraData(List<byte[]> chain) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (byte[] c : chain.subList(1, chain.size())) {
            vector3(list, c);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vector3(out, list.toByteArray());
        return out.toByteArray();
    }

    private static byte[] precertExtraData(List<byte[]> chain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vector3(out, chain.getFirst());
        out.writeBytes(x509ExtraData(chain));
        return out.toByteArray();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static void vector3(ByteArrayOutputStream out, byte[] data) {
        out.write((data.length >>> 16) & 0xff);
        out.write((data.length >>> 8) & 0xff);
        out.write(data.length & 0xff);
        out.writeBytes(data);
    }
}
