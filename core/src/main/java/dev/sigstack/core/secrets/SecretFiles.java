package dev.sigstack.core.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Writes key and password files readable by their owner only, with no window in which another user can open them:
 * the content goes to a new temporary file in the target's folder that is created with mode {@code 0600} (the
 * permission is an attribute of the creating {@code open}, not a later {@code chmod}), is flushed to disk, and is
 * then renamed over the target atomically. A reader sees the old file or the whole new one, never a partial key.
 */
public final class SecretFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {
    }

    /** Writes {@code content} to {@code file} (replacing it) with owner-only permissions. */
    public static void write(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = synced(target, content);
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new owner-only file beside {@code target} holding {@code content}, synced: the caller moves or links it into
     * place, and deletes it in any case.
     */
    private static Path synced(Path target, byte[] content) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = createOwnerOnly(dir, "." + target.getFileName() + ".");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** {@link #write(Path, byte[])} for text (UTF-8). */
    public static void writeString(Path file, String content) throws IOException {
        write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code content} only if {@code file} does not exist yet, as {@link #write}; returns false (and writes
     * nothing) if it exists, so two processes racing to create a secret keep the first one.
     */
    public static boolean createIfAbsent(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = synced(target, content);
        try {
            try {
                Files.createLink(target, tmp); // link(2) fails if the target exists: atomic create-if-absent
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                if (Files.exists(target)) {
                    return false;
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A new random password (32 bytes, base64url), stored owner-only in {@code file} unless one is there; returned. */
    public static char[] password(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            createIfAbsent(file, Base64.getUrlEncoder().withoutPadding().encodeToString(b).getBytes(StandardCharsets.US_ASCII));
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip().toCharArray();
    }

    private static Path createOwnerOnly(Path dir, String prefix) throws IOException {
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
            : new FileAttribute<?>[0];
        return Files.createTempFile(dir, prefix, ".tmp", attrs);
    }
}
