package dev.sigstack.core.tuf;

/**
 * A file's version differs from the version that names it: {@code N.root.json} with another
 * version (spec 5.3.5), or snapshot/targets versions differing from those listed by the
 * timestamp/snapshot (spec 5.5.3, 5.6.3).
 */
public final class VersionMismatchException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String role;
  private final long expected;
  private final long found;

  public VersionMismatchException(String role, long expected, long found) {
    super(String.format("%s: expected version %d, found version %d", role, expected, found));
    this.role = role;
    this.expected = expected;
    this.found = found;
  }

  public String role() {
    return role;
  }

  public long expected() {
    return expected;
  }

  public long found() {
    return found;
  }
}
