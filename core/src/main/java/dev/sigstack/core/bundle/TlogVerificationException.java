package dev.sigstack.core.bundle;

/**
 * The transparency log part of a bundle does not verify. Each subclass is one failure; the message says which
 * entry and what was wrong.
 */
public abstract sealed class TlogVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    TlogVerificationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The bundle is not valid JSON for its schema, has an unknown media type, or lacks a required part. */
    public static final class MalformedBundle extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public MalformedBundle(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The trusted root is unusable for this entry (e.g. a log key without the start of its validity). */
    public static final class InvalidTrustRoot extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidTrustRoot(String message) {
            super(message, null);
        }
    }

    /** No log in the trusted root has the entry's log ID, or the entry's time is outside the log key's validity. */
    public static final class UntrustedLog extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public UntrustedLog(String message) {
            super(message, null);
        }
    }

    /** A required inclusion proof, checkpoint or inclusion promise is absent. */
    public static final class MissingProof extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public MissingProof(String message) {
            super(message, null);
        }
    }

    /** The SignedEntryTimestamp does not verify with the log's key. */
    public static final class InvalidSignedEntryTimestamp extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidSignedEntryTimestamp(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The inclusion proof does not lead from the entry's leaf hash to the claimed root. */
    public static final class InvalidInclusionProof extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidInclusionProof(String message) {
            super(message, null);
        }
    }

    /** The checkpoint is malformed, does not match the proof, or carries no valid signature by the log. */
    public static final class InvalidCheckpoint extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidCheckpoint(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The logged body does not describe this bundle's signature, key or content. */
    public static final class EntryMismatch extends TlogVerificationException {
        private static final long serialVersionUID = 1L;

        public EntryMismatch(String message) {
            super(message, null);
        }
    }
}
