package dev.lakesync.cdc;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * At start-up, waits for a source database that refuses connections for now (restarting, failing over, starting
 * up) instead of exiting at once; a service manager restarting capture would otherwise see it fail again and again.
 * Other errors (a wrong password, an unknown database) end the wait at once: the checks after it report them.
 */
final class SourceWait {
  private static final long LONGEST_PAUSE_MS = 15_000;

  /** Opens and closes one connection. */
  interface Connector {
    void connect() throws SQLException;
  }

  private SourceWait() {
  }

  /** Waits up to {@code limit} for the source at {@code jdbcUrl}; returns whether it answered. */
  static boolean untilReachable(String jdbcUrl, Properties properties, String where, Duration limit, PrintStream out) {
    try {
      DriverManager.getDriver(jdbcUrl);
    } catch (SQLException e) {
      return false; // no driver on the classpath (its "no suitable driver" is a class 08 state too): nothing to wait for
    }
    Properties withTimeout = new Properties();
    withTimeout.putAll(properties);
    withTimeout.setProperty("connectTimeout", "10");
    return untilReachable(() -> {
      try (Connection connection = DriverManager.getConnection(jdbcUrl, withTimeout)) {
        connection.isValid(10);
      }
    }, where, limit, Duration.ofSeconds(1), out);
  }

  static boolean untilReachable(Connector connector, String where, Duration limit, Duration firstPause, PrintStream out) {
    long deadline = System.nanoTime() + limit.toNanos();
    long pause = firstPause.toMillis();
    while (true) {
      try {
        connector.connect();
        return true;
      } catch (SQLException e) {
        if (!refusedForNow(e) || System.nanoTime() + pause * 1_000_000L > deadline) {
          return false;
        }
        out.println("capture: the source at " + where + " does not accept connections yet (" + e.getMessage()
            + "); trying again in " + Duration.ofMillis(pause).toString().substring(2).toLowerCase(java.util.Locale.ROOT));
        out.flush();
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(LONGEST_PAUSE_MS, pause * 2);
    }
  }

  /**
   * Connection failures (SQLSTATE class 08: refused, reset, timed out) and a server starting up or shutting down
   * (PostgreSQL 57P01, 57P03).
   */
  static boolean refusedForNow(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P03"));
  }
}
