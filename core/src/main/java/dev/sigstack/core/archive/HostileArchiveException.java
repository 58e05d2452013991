package dev.sigstack.core.archive;

/** An archive that must not be unpacked, with the entry at fault and the reason. */
public final class HostileArchiveException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the archive. */
  public enum Reason {
    PATH_TRAVERSAL,
    ABSOLUTE_PATH,
    BAD_PATH,
    LINK,
    SPECIAL_FILE,
    DUPLICATE_ENTRY,
    ENTRY_TOO_LARGE,
    TOTAL_TOO_LARGE,
    TOO_MANY_ENTRIES,
    MALFORMED
  }

  private final String entry;
  private final Reason reason;

  public HostileArchiveException(String entry, Reason reason, String detail) {
    super(String.format("archive entry %s: %s (%s)", entry, detail, reason));
    this.entry = entry;
    this.reason = reason;
  }

  public String entry() {
    return entry;
  }

  public Reason reason() {
    return reason;
  }
}
