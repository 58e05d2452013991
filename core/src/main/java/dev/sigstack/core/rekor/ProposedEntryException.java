package dev.sigstack.core.rekor;

/**
 * A proposed Rekor entry was refused. Each subclass is one failure a caller answers differently; the messages
 * follow Rekor's wording where Rekor has one.
 */
public abstract sealed class ProposedEntryException extends Exception {
    private static final long serialVersionUID = 1L;

    ProposedEntryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The request is not JSON, or it lacks a field or has one of the wrong type or encoding. */
    public static final class Malformed extends ProposedEntryException {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message, null);
        }

        public Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The {@code kind} is not one this log accepts (Rekor answers 422 "invalid kind value"). */
    public static final class UnknownKind extends ProposedEntryException {
        private static final long serialVersionUID = 1L;

        public UnknownKind(String kind) {
            super("invalid kind value: \"" + kind + "\"", null);
        }
    }

    /** The kind is known but its {@code apiVersion} is not supported for insertion. */
    public static final class UnsupportedVersion extends ProposedEntryException {
        private static final long serialVersionUID = 1L;

        public UnsupportedVersion(String kind, String version) {
            super(kind + " implementation for version '" + version + "' not found", null);
        }
    }

    /** The signature does not verify against the key or certificate in the entry. */
    public static final class SignatureInvalid extends ProposedEntryException {
        private static final long serialVersionUID = 1L;

        public SignatureInvalid(String message) {
            super(message, null);
        }

        public SignatureInvalid(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The hash or key algorithm is not one the log accepts. */
    public static final class UnsupportedAlgorithm extends ProposedEntryException {
        private static final long serialVersionUID = 1L;

        public UnsupportedAlgorithm(String message) {
            super(message, null);
        }
    }
}
