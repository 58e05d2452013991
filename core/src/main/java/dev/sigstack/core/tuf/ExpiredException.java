package dev.sigstack.core.tuf;

import java.time.Instant;

/** A role's metadata has expired at the time of the update (spec 5.3.10, 5.4.4, 5.5.6, 5.6.6). */
public final class ExpiredException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String role;
  private final Instant expires;
  private final Instant now;

  public ExpiredException(String role, Instant expires, Instant now) {
    super(String.format("%s expired at %s (update time %s)", role, expires, now));
    this.role = role;
    this.expires = expires;
    this.now = now;
  }

  public String role() {
    return role;
  }

  public Instant expires() {
    return expires;
  }

  public Instant now() {
    return now;
  }
}
