package dev.sigstack.tlog;

import java.util.Base64;

/**
 * The store holds less than the log already promised: fewer entries or tiles than its newest published checkpoint,
 * a different root at that size, or a next index below an index it acknowledged (an SCT, a SET, a 201). Serving or
 * appending from such a store would sign a second entry at an index that was already given out: a forked log.
 * The service refuses to start (and a running sequencer stops) with {@link #getMessage()}, one line naming the log,
 * what the store holds and what was published; a process that gives up on it exits with {@link #EXIT_CODE}.
 */
public final class LogIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The exit status of {@code java -jar tlog-service.jar} and {@code ./sigstack run} when this check fails
     * (65, {@code EX_DATAERR} of sysexits.h): distinct from 1 (any other start-up failure) and 2 (usage).
     */
    public static final int EXIT_CODE = 65;

    private final String log;
    private final long storedSize;
    private final String storedRoot;
    private final long publishedSize;
    private final String publishedRoot;

    /**
     * @param storedRoot the root recomputed from the stored tiles at {@code storedSize}, or null when the tiles
     *     needed are missing
     * @param publishedSize -1 when what was published cannot be told (its record outside the store is damaged)
     * @param reason what does not match, in a few words (no newlines)
     */
    public LogIntegrityException(String log, long storedSize, byte[] storedRoot, long publishedSize,
            byte[] publishedRoot, String reason) {
        super(line(log, storedSize, storedRoot, publishedSize, publishedRoot, reason));
        this.log = log;
        this.storedSize = storedSize;
        this.storedRoot = storedRoot == null ? null : Base64.getEncoder().encodeToString(storedRoot);
        this.publishedSize = publishedSize;
        this.publishedRoot = publishedRoot == null ? null : Base64.getEncoder().encodeToString(publishedRoot);
    }

    private static String line(String log, long storedSize, byte[] storedRoot, long publishedSize,
            byte[] publishedRoot, String reason) {
        return "log integrity check failed for \"" + log + "\": stored size " + storedSize + " root "
                + b64(storedRoot) + ", published size " + (publishedSize < 0 ? "unknown"
                        : publishedSize + " root " + b64(publishedRoot)) + ": "
                + reason.replace('\n', ' ') + "; refusing to serve or append (exit " + EXIT_CODE
                + ", see docs/operations.md, Start-up integrity check)";
    }

    private static String b64(byte[] root) {
        return root == null ? "(unavailable)" : Base64.getEncoder().encodeToString(root);
    }

    /** The log's name (its checkpoint origin). */
    public String log() {
        return log;
    }

    /** How far the stored entries and tiles reach (at most the stored checkpoint's size). */
    public long storedSize() {
        return storedSize;
    }

    /** Base64 of the root recomputed from the store at {@link #storedSize()}, or null when it cannot be. */
    public String storedRoot() {
        return storedRoot;
    }

    /** The size of the newest checkpoint the log published; -1 when the record of it cannot be read. */
    public long publishedSize() {
        return publishedSize;
    }

    /** Base64 of the published checkpoint's root. */
    public String publishedRoot() {
        return publishedRoot;
    }
}
