package dev.sigstack.core.tuf;

/** A file's {@code _type} is not the role the workflow expected. */
public final class WrongRoleException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final String expected;
  private final String found;

  public WrongRoleException(String file, String expected, String found) {
    super(String.format("%s: _type is %s, expected %s", file, found, expected));
    this.file = file;
    this.expected = expected;
    this.found = found;
  }

  public String file() {
    return file;
  }

  public String expected() {
    return expected;
  }

  public String found() {
    return found;
  }
}
