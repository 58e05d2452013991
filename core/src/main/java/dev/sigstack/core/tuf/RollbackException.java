package dev.sigstack.core.tuf;

/** A role's version went backwards against trusted metadata (spec 5.3.5, 5.4.3, 5.5.5). */
public final class RollbackException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String role;
  private final long current;
  private final long found;

  public RollbackException(String role, long current, long found) {
    super(String.format("rollback of %s: trusted version %d, found version %d", role, current, found));
    this.role = role;
    this.current = current;
    this.found = found;
  }

  public String role() {
    return role;
  }

  public long current() {
    return current;
  }

  public long found() {
    return found;
  }
}
