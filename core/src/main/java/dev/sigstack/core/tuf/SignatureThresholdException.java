package dev.sigstack.core.tuf;

/** Fewer valid signatures from the role's keys than its threshold (spec 5.3.4, 5.4.2, ...). */
public final class SignatureThresholdException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String role;
  private final String file;
  private final int required;
  private final int verified;

  public SignatureThresholdException(String role, String file, int required, int verified) {
    super(
        String.format(
            "%s: role %s needs %d valid signature(s), found %d", file, role, required, verified));
    this.role = role;
    this.file = file;
    this.required = required;
    this.verified = verified;
  }

  public String role() {
    return role;
  }

  public String file() {
    return file;
  }

  public int required() {
    return required;
  }

  public int verified() {
    return verified;
  }
}
