package dev.sigstack.core.tuf;

/** A file's digest differs from the one its trusted parent lists (spec 5.5.2, 5.6.2, 5.7.3). */
public final class HashMismatchException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final String algorithm;
  private final String expected;
  private final String actual;

  public HashMismatchException(String file, String algorithm, String expected, String actual) {
    super(String.format("%s: %s is %s, expected %s", file, algorithm, actual, expected));
    this.file = file;
    this.algorithm = algorithm;
    this.expected = expected;
    this.actual = actual;
  }

  public String file() {
    return file;
  }

  public String algorithm() {
    return algorithm;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
