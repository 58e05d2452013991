package dev.sigstack.core.tuf;

/**
 * Metadata lists no entry that it must list: {@code snapshot.json} in the timestamp,
 * {@code targets.json} in the snapshot, or an entry the trusted snapshot had (spec 5.5.5).
 */
public final class MetaMissingException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String role;
  private final String entry;

  public MetaMissingException(String role, String entry) {
    super(String.format("%s does not list %s", role, entry));
    this.role = role;
    this.entry = entry;
  }

  public String role() {
    return role;
  }

  public String entry() {
    return entry;
  }
}
