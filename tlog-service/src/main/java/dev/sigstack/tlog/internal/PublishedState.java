package dev.sigstack.tlog.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a log has promised, kept outside its database: the next index it acknowledged (every index below it was
 * answered: a 201 with a SET, an SCT) and the newest checkpoint it published. It is written and synced before the
 * promise is made, so that a store that lost rows, or was restored from an older backup, or lost the checkpoint
 * row together with the rows, is still caught at start-up ({@link IntegrityCheck}).
 *
 * <p>Layout: two slots of {@value #SLOT} bytes; an update writes the slot the last one did not, then syncs.
 * Each slot: {@code "SSPS"}, generation (8 bytes, big-endian), payload length (4 bytes), the payload (UTF-8 text:
 * {@code log <origin>}, {@code acknowledged <next index>}, {@code size <n>}, {@code root <base64>}, then the
 * signed checkpoint note), and SHA-256 over all of that. The valid slot with the higher generation is the state;
 * a write torn by power loss leaves the other slot, the previous state, which is what had been promised then.
 * Hand-written rather than a write-to-temporary-and-rename: one positioned write and one {@code fdatasync} per
 * update (0.2 to 1 ms on this project's 2-core test machine, {@code dd oflag=dsync} of 4 KiB), where a rename costs
 * a file creation, two fsyncs and a directory fsync; the sequencer pays it once per batch.
 *
 * <p>Replicas that share a data folder share the file: each update takes an OS file lock (and a lock within this
 * JVM), reads the current state and writes the larger of it and the new promise, so the file never goes back.
 */
final class PublishedState implements AutoCloseable {
    static final int SLOT = 4096;
    private static final byte[] MAGIC = "SSPS".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 16;
    private static final int DIGEST = 32;
    /** One monitor per file within this JVM: two channels of one JVM cannot both hold an OS lock on a file. */
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    /** A promise: the next index acknowledged, and the newest published checkpoint (size, root, signed note). */
    record Promise(long acknowledged, long size, byte[] root, String checkpoint) {
        Promise {
            if (acknowledged < 0 || size < 0 || root == null || root.length != 32 || checkpoint == null) {
                throw new IllegalArgumentException("not a log promise");
            }
        }

        boolean sameAs(Promise o) {
            return acknowledged == o.acknowledged && size == o.size && java.util.Arrays.equals(root, o.root)
                    && checkpoint.equals(o.checkpoint);
        }

        /** The larger of both: each field only grows. */
        Promise merge(Promise other) {
            Promise cp = other.size > size ? other : this;
            return new Promise(Math.max(acknowledged, other.acknowledged), cp.size, cp.root, cp.checkpoint);
        }
    }

    private final Path file;
    private final String origin;
    private final FileChannel channel;
    private final Object jvmLock;

    private PublishedState(Path file, String origin, FileChannel channel) {
        this.file = file;
        this.origin = origin;
        this.channel = channel;
        this.jvmLock = JVM_LOCKS.computeIfAbsent(file, f -> new Object());
    }

    /** The file of the log {@code origin} whose key is {@code keyFile}: beside it, named by key and origin. */
    static Path beside(Path keyFile, String origin) {
        return in(keyFile.toAbsolutePath().getParent(), keyFile, origin);
    }

    /**
     * The file of the log {@code origin} whose key is {@code keyFile}, in the folder {@code dir} (a data folder: the
     * key may sit on a read-only mount), named by key and origin.
     */
    static Path in(Path dir, Path keyFile, String origin) {
        String name = keyFile.getFileName().toString();
        String stem = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return dir.toAbsolutePath().resolve(stem + "-" + HexFormat.of().formatHex(sha256(
                origin.getBytes(StandardCharsets.UTF_8)), 0, 4) + ".published");
    }

    /** Opens (creating it empty, with its folder entry synced) the state file of {@code origin}. */
    static PublishedState open(Path file, String origin) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        Files.createDirectories(f.getParent());
        boolean created = !Files.exists(f);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (created) {
            ch.force(true);
            try (FileChannel dir = FileChannel.open(f.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the file's name survives power loss too
            } catch (IOException e) {
                // some file systems do not sync directories; the name is then as durable as they make it
            }
        }
        return new PublishedState(f, origin, ch);
    }

    Path file() {
        return file;
    }

    /**
     * The recorded promise; empty for a new (empty) file.
     *
     * @throws IOException when the file has bytes but no intact slot, or belongs to another log
     */
    Optional<Promise> read() throws IOException {
        synchronized (jvmLock) {
            try (FileLock ignored = channel.lock(0, Long.MAX_VALUE, true)) {
                return Optional.ofNullable(readLocked());
            }
        }
    }

    /** Records {@code promise} merged with what the file holds, and syncs it to the disk before returning. */
    void record(Promise promise) throws IOException {
        synchronized (jvmLock) {
            try (FileLock ignored = channel.lock()) {
                Slot current = newestSlot();
                Promise merged = current == null ? promise : current.promise().merge(promise);
                if (current != null && merged.sameAs(current.promise())) {
                    return; // nothing new to promise
                }
                long generation = current == null ? 1 : current.generation() + 1;
                ByteBuffer slot = encode(generation, merged);
                long at = (generation % 2) * SLOT;
                while (slot.hasRemaining()) {
                    at += channel.write(slot, at);
                }
                channel.force(false);
            }
        }
    }

    private record Slot(long generation, Promise promise) { }

    private Promise readLocked() throws IOException {
        Slot s = newestSlot();
        return s == null ? null : s.promise();
    }

    private Slot newestSlot() throws IOException {
        long length = channel.size();
        if (length == 0) {
            return null;
        }
        Slot best = null;
        for (int i = 0; i < 2; i++) {
            ByteBuffer b = ByteBuffer.allocate(SLOT);
            long at = (long) i * SLOT;
            while (b.hasRemaining() && channel.read(b, at + b.position()) > 0) {
                // read the slot, or what of it exists
            }
            Slot s = decode(b.array(), b.position());
            if (s != null && (best == null || s.generation() > best.generation())) {
                best = s;
            }
        }
        if (best == null) {
            throw new IOException("the log state file " + file + " has no intact record (both slots damaged)");
        }
        return best;
    }

    private ByteBuffer encode(long generation, Promise p) {
        byte[] payload = ("log " + origin + "\nacknowledged " + p.acknowledged() + "\nsize " + p.size() + "\nroot "
                + Base64.getEncoder().encodeToString(p.root()) + "\n" + p.checkpoint())
                .getBytes(StandardCharsets.UTF_8);
        if (HEADER + payload.length + DIGEST > SLOT) {
            throw new IllegalArgumentException("a log state record must fit " + SLOT + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length + DIGEST);
        b.put(MAGIC).putLong(generation).putInt(payload.length).put(payload);
        b.put(sha256(b.array(), HEADER + payload.length));
        return b.flip();
    }

    /** The slot's record, or null when the slot is empty, torn or damaged. */
    private Slot decode(byte[] slot, int length) throws IOException {
        if (length < HEADER + DIGEST) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(slot, 0, length);
        byte[] magic = new byte[4];
        b.get(magic);
        long generation = b.getLong();
        int n = b.getInt();
        if (!java.util.Arrays.equals(magic, MAGIC) || n < 0 || HEADER + n + DIGEST > length || generation < 1) {
            return null;
        }
        byte[] digest = java.util.Arrays.copyOfRange(slot, HEADER + n, HEADER + n + DIGEST);
        if (!MessageDigest.isEqual(digest, sha256(slot, HEADER + n))) {
            return null;
        }
        String text = new String(slot, HEADER, n, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", 5);
        try {
            if (lines.length < 5 || !lines[0].startsWith("log ") || !lines[1].startsWith("acknowledged ")
                    || !lines[2].startsWith("size ") || !lines[3].startsWith("root ")) {
                return null;
            }
            String log = lines[0].substring(4);
            if (!log.equals(origin)) {
                throw new IOException("the log state file " + file + " belongs to log \"" + log + "\", not \""
                        + origin + "\"");
            }
            return new Slot(generation, new Promise(Long.parseLong(lines[1].substring(13)),
                    Long.parseLong(lines[2].substring(5)), Base64.getDecoder().decode(lines[3].substring(5)),
                    lines[4]));
        } catch (IllegalArgumentException e) {
            return null; // intact digest over a record this code did not write
        }
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        return sha256(data, data.length);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
