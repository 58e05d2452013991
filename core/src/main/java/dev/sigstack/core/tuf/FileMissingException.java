package dev.sigstack.core.tuf;

/** The repository does not serve a file that the workflow needs. */
public final class FileMissingException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String file;

  public FileMissingException(String file) {
    super(file + ": not found in the repository");
    this.file = file;
  }

  public String file() {
    return file;
  }
}
