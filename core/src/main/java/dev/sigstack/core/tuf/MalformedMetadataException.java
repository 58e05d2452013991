package dev.sigstack.core.tuf;

/** A file is not valid TUF metadata: bad JSON, a missing or mistyped field, a bad key. */
public final class MalformedMetadataException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final String reason;

  public MalformedMetadataException(String file, String reason) {
    super(file + ": " + reason);
    this.file = file;
    this.reason = reason;
  }

  public MalformedMetadataException(String file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.file = file;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public String reason() {
    return reason;
  }
}
