package dev.sigstack.tlog.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.internal.Engines;

/** The CT log on the stored engine (H2): SCTs, integration into the tree, and RFC 6962 proofs from the engine. */
class CtLogOnTiledEngineTest {
    private static final String KEY =
        "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";

    @TempDir
    Path tmp;

    @Test
    void addPreChain_storedEngine_sctVerifiesAndLeafIsProvable() throws Exception {
        KeyPair rootKey = CtLogServiceTest.ec();
        X509Certificate root = CtLogServiceTest.cert(rootKey, rootKey.getPublic(), "CN=root", true, BigInteger.ONE);
        KeyPair logKey = CtLogServiceTest.ec();
        String url = "jdbc:h2:file:" + tmp.resolve("ct").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine engine = engines.openLog("ct.test", NoteKeys.ed25519Signer(KEY)).engine();
            CtLog log = new CtLog(engine, logKey.getPrivate(), logKey.getPublic(), List.of(root), Clock.systemUTC());
            X509Certificate pre = CtLogServiceTest.cert(rootKey, CtLogServiceTest.ec().getPublic(), "CN=leaf", false, BigInteger.TEN,
                new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
            Sct sct = log.addPreChain(List.of(pre.getEncoded(), root.getEncoded()));
            SctVerifier.verify(sct, Precertificates.precertEntry(new X509CertificateHolder(pre.getEncoded()),
                new X509CertificateHolder(root.getEncoded())), logKey.getPublic());
            Sct again = log.addPreChain(List.of(pre.getEncoded(), root.getEncoded()));
            assertEquals(sct.timestamp(), again.timestamp(), "a resubmission gets the existing entry's timestamp");

            LogEngine.PublishedCheckpoint cp = engine.awaitIntegrated(0, Duration.ofSeconds(30));
            assertTrue(cp.size() >= 1);
            CtLog.SignedTreeHead sth = log.signedTreeHead();
            assertEquals(cp.size(), sth.head().treeSize());
            CtLog.LeafEntry leaf = log.entries(0, 0).getFirst();
            CtLog.InclusionProof proof = log.proofByHash(CtLog.leafHash(leaf.leafInput()), sth.head().treeSize()).orElseThrow();
            assertEquals(0, proof.leafIndex());
            assertArrayEquals(sth.head().rootHash(),
                CtLogServiceTest.rootFromInclusion(0, sth.head().treeSize(), CtLog.leafHash(leaf.leafInput()), proof.auditPath()));
        }
    }
}
