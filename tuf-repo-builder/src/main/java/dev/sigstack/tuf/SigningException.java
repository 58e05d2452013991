package dev.sigstack.tuf;

/** Not enough of a role's keys were given to reach its threshold, or signing failed. */
public final class SigningException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String role;
  private final int required;
  private final int available;

  public SigningException(String role, int required, int available, String detail) {
    super(String.format("%s: needs %d signature(s) from its keys, %d signing key(s) given%s",
        role, required, available, detail.isEmpty() ? "" : "; " + detail));
    this.role = role;
    this.required = required;
    this.available = available;
  }

  public String role() {
    return role;
  }

  public int required() {
    return required;
  }

  public int available() {
    return available;
  }
}
