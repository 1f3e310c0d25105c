package dev.lakesync.demo;

import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bank workload for the chaos soak: runs until it has committed its number of row changes, and rides out
 * source restarts by connecting again and carrying on with a new generator (which reads the rows as they are).
 * Commits wait for the WAL flush, so that a change counted as committed survives an immediate shutdown.
 */
final class ChaosWorkload implements Runnable {
  private static final Duration RECONNECT_LIMIT = Duration.ofMinutes(2);

  private final PipelineConfig config;
  private final double rate;
  private final long target;
  private final long seed;
  private final PrintStream out;
  private final AtomicBoolean stop = new AtomicBoolean();
  private volatile long committed;
  private volatile int reconnects;
  private volatile Exception failure;

  ChaosWorkload(PipelineConfig config, double rate, long target, long seed, PrintStream out) {
    this.config = config;
    this.rate = rate;
    this.target = target;
    this.seed = seed;
    this.out = out;
  }

  @Override
  public void run() {
    long round = 0;
    while (!stop.get() && committed < target) {
      long before = committed;
      WorkloadGenerator generator = null;
      try {
        generator = new WorkloadGenerator(connect(), seed + round++, 0.01);
        WorkloadGenerator running = generator;
        generator.run(rate, null, () -> {
          committed = before + running.counts().totalChanges();
          return stop.get() || committed >= target;
        });
        committed = before + generator.counts().totalChanges();
      } catch (SQLException e) {
        if (generator != null) {
          committed = before + generator.counts().totalChanges();
        }
        reconnects++;
        if (!waitForSource()) {
          failure = e;
          return;
        }
      } finally {
        if (generator != null) {
          generator.close();
        }
      }
    }
  }

  private Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(config.source().jdbcUrl(), config.source().jdbcProperties());
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET synchronous_commit = on");
    }
    return connection;
  }

  private boolean waitForSource() {
    long deadline = System.nanoTime() + RECONNECT_LIMIT.toNanos();
    while (System.nanoTime() < deadline && !stop.get()) {
      try (Connection connection = DriverManager.getConnection(config.source().jdbcUrl(), config.source().jdbcProperties())) {
        return true;
      } catch (SQLException e) {
        sleep(500);
      }
    }
    out.println("chaos: the source did not accept connections again within " + RECONNECT_LIMIT.toSeconds() + " s");
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop() {
    stop.set(true);
  }

  long committed() {
    return committed;
  }

  int reconnects() {
    return reconnects;
  }

  Exception failure() {
    return failure;
  }
}
