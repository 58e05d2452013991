package dev.sigstack.monitor;

/** What an alert is about, with its severity. */
enum AlertType {
    /** Two signed checkpoints that cannot both be true: a split view or rewritten history. */
    FORK(Severity.CRITICAL),
    /** A signed checkpoint smaller than one already verified. */
    ROLLBACK(Severity.CRITICAL),
    /** A checkpoint that is malformed, has the wrong origin, or is not signed by the log's key. */
    BAD_CHECKPOINT(Severity.CRITICAL),
    /** An entry signed by an identity or key that the allowlist does not allow (for that artifact). */
    UNLISTED_IDENTITY(Severity.HIGH),
    /** An entry the monitor cannot decode, or whose certificate contradicts itself. */
    MALFORMED_ENTRY(Severity.HIGH),
    /** No new checkpoint (or no answer from the log) for longer than the configured time. */
    STALL(Severity.WARNING),
    /** A pod admitted through the admission gate's break-glass namespace. */
    BREAK_GLASS(Severity.HIGH);

    /** Alert severities, most severe first. */
    enum Severity { CRITICAL, HIGH, WARNING }

    private final Severity severity;

    AlertType(Severity severity) {
        this.severity = severity;
    }

    Severity severity() {
        return severity;
    }

    /** The lower-case name used in JSON, metrics labels and log lines. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
