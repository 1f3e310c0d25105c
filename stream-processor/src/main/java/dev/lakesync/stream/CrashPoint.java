package dev.lakesync.stream;

import java.io.PrintStream;

/**
 * Fault injection for crash tests: a JVM started with {@code -Dlakesync.crashAfter=<step>} halts where that step has
 * just finished for the first time, as {@code kill -9} would there: no shutdown hook, no finally block, nothing
 * written but what the step wrote. Steps: {@code merge} (a table's MERGE committed, before the batch's other tables'
 * are and before the consistent point is recorded). Unset, as in every normal run, it does nothing.
 */
final class CrashPoint {
  static final String PROPERTY = "lakesync.crashAfter";
  static final int EXIT_STATUS = 137; // what a shell reports for a process killed by SIGKILL
  private static final String STEP = System.getProperty(PROPERTY);

  private CrashPoint() {
  }

  static void after(String step, PrintStream out) {
    if (step.equals(STEP)) {
      synchronized (CrashPoint.class) {
        out.println("process: halting right after a " + step + " (" + PROPERTY + ")");
        out.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
      }
    }
  }
}
