package dev.lakesync.stream;

import java.util.ConcurrentModificationException;
import java.util.function.LongSupplier;

/**
 * Retries a Delta write that lost a race with another writer of the same table (the stream's MERGE against a
 * periodic OPTIMIZE). Delta reports such conflicts as subclasses of {@link ConcurrentModificationException}; the
 * write is retried a bounded number of times, then the conflict is reported, never swallowed.
 */
final class ConflictRetry {
  static final int ATTEMPTS = 5;

  private ConflictRetry() {
  }

  static long run(String what, LongSupplier write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.getAsLong();
      } catch (RuntimeException e) {
        if (!isConflict(e) || attempt >= ATTEMPTS) {
          throw e;
        }
        System.err.printf("process: %s conflicted with a concurrent write (attempt %d of %d), retrying: %s%n",
            what, attempt, ATTEMPTS, firstLine(e));
        sleep(200L * attempt);
      }
    }
  }

  static boolean isConflict(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a conflicting write", e);
    }
  }
}
