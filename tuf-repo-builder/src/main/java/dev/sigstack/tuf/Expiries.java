package dev.sigstack.tuf;

import java.time.Duration;

/** How long each role's new metadata stays valid. */
public record Expiries(Duration root, Duration targets, Duration snapshot, Duration timestamp) {
  /** Root and targets a year, snapshot three weeks, timestamp a week. */
  public static final Expiries DEFAULT =
      new Expiries(Duration.ofDays(365), Duration.ofDays(365), Duration.ofDays(21), Duration.ofDays(7));

  public Expiries {
    for (Duration d : new Duration[] {root, targets, snapshot, timestamp}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("expiry durations must be positive");
      }
    }
  }
}
