package dev.sigstack.ca.issuance;

/** The request's public key, CSR or proof of possession is refused; the message is safe to return. */
public final class InvalidKeyRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidKeyRequestException(String message) {
        super(message);
    }
}
