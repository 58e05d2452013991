/**
 * The settings every embedded H2 database of the stack opens with (the transparency logs' store, the log monitor's
 * state), as JDBC URL text: this package knows nothing of JDBC.
 *
 * <p>Sources: H2's documentation of {@code SET WRITE_DELAY} ("the maximum delay between a commit and flushing the
 * log", default 500 ms; settable in the URL as {@code ;WRITE_DELAY=0}) and H2 2.x's MVStore, where the setting is the
 * store's auto-commit delay: with 0, {@code TransactionStore.endTransaction} calls {@code MVStore.commit()}, which
 * writes the new chunk to the file before the SQL {@code COMMIT} returns; with more than 0, a background thread
 * writes committed changes up to that many milliseconds later. H2 does not fsync on commit (only on close,
 * compaction and {@code CHECKPOINT SYNC}).
 */
package dev.sigstack.core.h2;
