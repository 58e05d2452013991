package dev.sigstack.core.merkle;

/** A Merkle proof did not verify: wrong length, wrong sizes, or a root that does not match. */
public final class MerkleProofException extends Exception {
    private static final long serialVersionUID = 1L;

    public MerkleProofException(String message) {
        super(message);
    }
}
