package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file that keeps a log's promises outside its database: torn writes, damage, and replicas sharing it. */
final class PublishedStateTest {
    private static final String ORIGIN = "state.test";

    @TempDir
    Path tmp;

    private static PublishedState.Promise promise(long acknowledged, long size, int rootByte) {
        byte[] root = new byte[32];
        Arrays.fill(root, (byte) rootByte);
        return new PublishedState.Promise(acknowledged, size, root, ORIGIN + "\n" + size + "\nroot\n\n— sig\n");
    }

    private static void damage(Path file, long at, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] junk = new byte[length];
            Arrays.fill(junk, (byte) 0x5a);
            ch.write(ByteBuffer.wrap(junk), at);
        }
    }

    @Test
    void read_newFile_isEmpty() throws IOException {
        try (PublishedState s = PublishedState.open(tmp.resolve("a.published"), ORIGIN)) {
            assertTrue(s.read().isEmpty());
        }
    }

    @Test
    void record_thenReopen_readsTheNewestPromise() throws IOException {
        Path file = tmp.resolve("a.published");
        try (PublishedState s = PublishedState.open(file, ORIGIN)) {
            s.record(promise(5, 3, 1));
            s.record(promise(9, 7, 2));
        }
        try (PublishedState s = PublishedState.open(file, ORIGIN)) {
            PublishedState.Promise p = s.read().orElseThrow();
            assertEquals(9, p.acknowledged());
            assertEquals(7, p.size());
            assertArrayEquals(promise(9, 7, 2).root(), p.root());
            assertEquals(promise(9, 7, 2).checkpoint(), p.checkpoint());
        }
    }

    /** Power lost in the middle of writing the next promise: the one before, which was all that was promised, is read. */
    @Test
    void read_nextSlotTornMidWrite_readsThePreviousPromise() throws IOException {
        Path file = tmp.resolve("a.published");
        try (PublishedState s = PublishedState.open(file, ORIGIN)) {
            s.record(promise(5, 3, 1)); // generation 1: slot 1
            s.record(promise(9, 7, 2)); // generation 2: slot 0
        }
        damage(file, PublishedState.SLOT + 20, 40); // generation 3 was going to slot 1
        try (PublishedState s = PublishedState.open(file, ORIGIN)) {
            assertEquals(9, s.read().orElseThrow().acknowledged());
            s.record(promise(12, 7, 2)); // and writing goes on over the torn slot
            assertEquals(12, s.read().orElseThrow().acknowledged());
        }
        damage(file, 20, 40);
        damage(file, PublishedState.SLOT + 20, 40);
        try (PublishedState s = PublishedState.open(file, ORIGIN)) {
            IOException e = assertThrows(IOException.class, s::read);
            assertTrue(e.getMessage().contains("no intact record"), e.getMessage());
        }
    }

    /** Replicas sharing a data folder share the file: a replica that saw less never makes it go back. */
    @Test
    void record_smallerPromiseFromAnotherWriter_neverGoesBack() throws IOException {
        Path file = tmp.resolve("a.published");
        try (PublishedState a = PublishedState.open(file, ORIGIN); PublishedState b = PublishedState.open(file, ORIGIN)) {
            a.record(promise(100, 90, 3));
            b.record(promise(50, 40, 4));
            PublishedState.Promise p = b.read().orElseThrow();
            assertEquals(100, p.acknowledged());
            assertEquals(90, p.size());
            b.record(promise(120, 40, 4));
            p = a.read().orElseThrow();
            assertEquals(120, p.acknowledged(), "each field grows on its own");
            assertEquals(90, p.size());
        }
    }

    @Test
    void beside_namesAFilePerKeyAndOrigin() {
        Path key = tmp.resolve("rekor-v1-key.pem");
        assertEquals(PublishedState.beside(key, "a"), PublishedState.beside(key, "a"));
        assertNotEquals(PublishedState.beside(key, "a"), PublishedState.beside(key, "b"));
        assertTrue(PublishedState.beside(key, "a").getFileName().toString().matches("rekor-v1-key-[0-9a-f]{8}\\.published"));
        assertEquals(tmp.toAbsolutePath(), PublishedState.beside(key, "a").getParent());
    }
}
