package dev.sigstack.tlog.ct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogIntegrityException;
import dev.sigstack.tlog.internal.Databases;
import dev.sigstack.tlog.internal.Engines;

/**
 * An SCT promises that its entry, with its timestamp, is in the log within the MMD. After a restart every issued
 * SCT's entry is in the tree; a store that lost the entries behind issued SCTs (even together with its checkpoint
 * row, as a restored backup would) does not open.
 */
class CtLogIntegrityTest {
    private static final String ORIGIN = "ct.integrity.test";
    private static final String KEY =
        "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";

    @TempDir
    Path tmp;

    private record Issued(X509Certificate precert, Sct sct) { }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void reopen_everyIssuedSctIsInTheLog_andAStoreThatLostThemRefuses(String store) throws Exception {
        String url = store.equals("h2") ? Databases.h2(tmp) : Databases.postgres();
        Path keyFile = tmp.resolve("ct-key.pem");
        KeyPair rootKey = CtLogServiceTest.ec();
        X509Certificate root = CtLogServiceTest.cert(rootKey, rootKey.getPublic(), "CN=root", true, BigInteger.ONE);
        KeyPair logKey = CtLogServiceTest.ec();
        List<Issued> issued = new ArrayList<>();
        LogEngine.PublishedCheckpoint atEight = null;
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine engine = engines.openLog(ORIGIN, NoteKeys.ed25519Signer(KEY), keyFile).engine();
            CtLog log = new CtLog(engine, logKey.getPrivate(), logKey.getPublic(), List.of(root), Clock.systemUTC());
            for (int i = 0; i < 12; i++) {
                X509Certificate pre = CtLogServiceTest.cert(rootKey, CtLogServiceTest.ec().getPublic(), "CN=leaf" + i,
                    false, BigInteger.valueOf(100 + i), new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
                issued.add(new Issued(pre, log.addPreChain(List.of(pre.getEncoded(), root.getEncoded()))));
                if (i == 7) { // one SCT at a time: the checkpoint that covers index 7 is the tree of 8
                    atEight = engine.awaitIntegrated(7, Duration.ofSeconds(30));
                }
            }
            // closed right after the last SCT: entries 8..11 may not be in a checkpoint yet
        }
        assertEquals(8, atEight.size());

        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine engine = engines.openLog(ORIGIN, NoteKeys.ed25519Signer(KEY), keyFile).engine();
            CtLog log = new CtLog(engine, logKey.getPrivate(), logKey.getPublic(), List.of(root), Clock.systemUTC());
            long size = engine.awaitIntegrated(issued.size() - 1, Duration.ofSeconds(30)).size();
            for (Issued i : issued) { // the entry the SCT signed, at the SCT's timestamp, is in the tree
                byte[] leaf = Precertificates.precertEntry(new X509CertificateHolder(i.precert().getEncoded()),
                    new X509CertificateHolder(root.getEncoded())).merkleTreeLeaf(i.sct().timestamp(), new byte[0]);
                assertTrue(log.proofByHash(CtLog.leafHash(leaf), size).isPresent(), "SCT at " + i.sct().timestamp());
            }
            assertEquals(issued.size(), size);
        }

        // the store goes back to a checkpoint of 8 entries: the entries of 4 issued SCTs are gone, consistently
        rollBackTo(url, atEight);
        try (Engines engines = Engines.open(url, 4, "")) {
            LogIntegrityException e = assertThrows(LogIntegrityException.class,
                () -> engines.openLog(ORIGIN, NoteKeys.ed25519Signer(KEY), keyFile));
            assertEquals(ORIGIN, e.log());
            assertEquals(12, e.publishedSize(), e.getMessage());
            assertEquals(8, e.storedSize(), e.getMessage());
            assertTrue(e.getMessage().contains("behind the checkpoint the log published"), e.getMessage());
        }
    }

    /** Deletes the entries from the checkpoint's size on, and puts the sequence and the state row back to it. */
    private static void rollBackTo(String url, LogEngine.PublishedCheckpoint to) throws Exception {
        long size = to.size();
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            for (String sql : List.of("DELETE FROM index_keys WHERE log = ? AND idx >= ?",
                    "DELETE FROM entries WHERE log = ? AND idx >= ?")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, ORIGIN);
                    ps.setLong(2, size);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE log_sequence SET next_index = ? WHERE log = ?")) {
                ps.setLong(1, size);
                ps.setString(2, ORIGIN);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE log_state SET integrated_size = ?, root_hash = ?, checkpoint = ? WHERE log = ?")) {
                ps.setLong(1, size);
                ps.setBytes(2, to.rootHash());
                ps.setString(3, to.signedNote());
                ps.setString(4, ORIGIN);
                ps.executeUpdate();
            }
            c.commit();
        }
    }
}
