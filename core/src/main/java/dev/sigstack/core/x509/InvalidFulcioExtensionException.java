package dev.sigstack.core.x509;

/** A certificate's Fulcio extensions are missing or not encoded as Fulcio encodes them. */
public final class InvalidFulcioExtensionException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidFulcioExtensionException(String message) {
        super(message);
    }
}
