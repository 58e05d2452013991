package dev.sigstack.core.tuf;

/** A TUF repository failed verification; each subclass names one failure with typed fields. */
public abstract sealed class TufException extends Exception
    permits SignatureThresholdException,
        RollbackException,
        ExpiredException,
        VersionMismatchException,
        HashMismatchException,
        LengthMismatchException,
        FileMissingException,
        MetaMissingException,
        MalformedMetadataException,
        TargetNotFoundException,
        WrongRoleException {

  private static final long serialVersionUID = 1L;

  TufException(String message) {
    super(message);
  }

  TufException(String message, Throwable cause) {
    super(message, cause);
  }
}
