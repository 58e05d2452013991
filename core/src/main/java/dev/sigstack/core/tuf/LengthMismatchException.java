package dev.sigstack.core.tuf;

/**
 * A file is longer than allowed (its listed length, or the default metadata limit), or a target
 * differs from its listed length.
 */
public final class LengthMismatchException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final long expected;
  private final long actual;

  /**
   * @param expected the listed length or the limit
   * @param actual the length read, or {@code expected + 1} when reading stopped at the limit
   */
  public LengthMismatchException(String file, long expected, long actual) {
    super(
        actual > expected
            ? String.format("%s: longer than %d bytes", file, expected)
            : String.format("%s: %d bytes, expected %d", file, actual, expected));
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }

  public String file() {
    return file;
  }

  public long expected() {
    return expected;
  }

  public long actual() {
    return actual;
  }
}
