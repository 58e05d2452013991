package dev.sigstack.airgap;

import java.io.PrintWriter;

/** Reports progress of long steps (hashing, unpacking, TUF checks) to a human. */
@FunctionalInterface
interface Progress {
  /** Progress that says nothing. */
  Progress NONE = message -> {};

  void step(String message);

  /** Progress written to {@code out} (stderr in the CLI, so stdout stays machine-readable). */
  static Progress to(PrintWriter out) {
    return message -> {
      out.println(message);
      out.flush();
    };
  }

  /** Reports "label i/n" every {@code every} items and at the end. */
  default void count(String label, int i, int n) {
    if (n > 0 && (i == n || i % Math.max(1, n / 10) == 0)) {
      step(String.format("  %s %d/%d", label, i, n));
    }
  }
}
