package dev.lakesync.common.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Runs a batch stage's pass every interval until the JVM is asked to stop (Ctrl-C, SIGTERM); the shutdown waits for
 * the pass under way to finish, so a stop never cuts a load or sync in half. A failed pass (a database restarting, a
 * network blip) is tried again after a growing pause; the stage gives up only after {@link #FAILURES_BEFORE_GIVING_UP}
 * failures in a row (passes are idempotent: a load or sync starts from its saved progress), or at once on a config
 * problem.
 */
public final class StageLoop {
  /** With pauses of 1, 2, 4, 8, 16 and then 30 s: about two and a half minutes of failing before the stage exits. */
  public static final int FAILURES_BEFORE_GIVING_UP = 10;
  private static final long LONGEST_PAUSE_MS = 30_000;

  /** One pass of the stage (a load, a sync); returns how many items (rows, documents) it wrote. */
  public interface Pass {
    long run() throws Exception;
  }

  /** Told of every pass: the stage's metrics, when it serves them. */
  public interface Observer {
    Observer NONE = new Observer() {
      @Override
      public void passed(long items, long millis) {
      }

      @Override
      public void failed() {
      }
    };

    void passed(long items, long millis);

    void failed();

    /**
     * Series read when scraped, one per label value: a count that only grows (e.g. a sink's throttled requests) when
     * {@code counter}, else a value (e.g. a table's freshness). Registered once, at start-up.
     */
    default void series(String name, String description, boolean counter, String label,
        Map<String, LongSupplier> byValue) {
    }
  }

  private StageLoop() {
  }

  /**
   * The observer for a stage run with {@code metrics}: its meters on /metrics when a port is given, else none (so that
   * a stage without a port, e.g. a Synapse job, never loads Micrometer).
   */
  public static Observer observer(String stage, String itemsName, Commands.Metrics metrics) {
    return metrics.port < 0 ? Observer.NONE
        : dev.lakesync.common.metrics.PassMetrics.serve(stage, itemsName, metrics.address, metrics.port);
  }

  /** @param stage the name in the stop message ("warehouse", "serving") */
  public static void run(String stage, Duration interval, PrintStream out, Pass pass, Observer observer) throws Exception {
    run(stage, interval, out, pass, observer, () -> false);
  }

  /**
   * As {@link #run(String, Duration, PrintStream, Pass, Observer)}, also ending after the pass under way when
   * {@code stopRequested} says so (a stage run beside another in one application, which stopped).
   */
  public static void run(String stage, Duration interval, PrintStream out, Pass pass, Observer observer,
      BooleanSupplier stopRequested) throws Exception {
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping.set(true);
      try {
        stopped.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lakesync-" + stage + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      loop(stage, interval, Duration.ofSeconds(1), out, pass, observer,
          () -> stopping.get() || stopRequested.getAsBoolean());
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is running
      }
    }
  }

  /** The loop itself; {@code firstPause} is the pause after the first failure, doubled after each further one. */
  static void loop(String stage, Duration interval, Duration firstPause, PrintStream out, Pass pass, Observer observer,
      BooleanSupplier stopping) throws Exception {
    int failures = 0;
    while (!stopping.getAsBoolean()) {
      long pause = interval.toMillis();
      long started = System.nanoTime();
      try {
        long items = pass.run();
        observer.passed(items, (System.nanoTime() - started) / 1_000_000);
        failures = 0;
      } catch (StageMain.ConfigProblem e) {
        throw e;
      } catch (Exception e) {
        observer.failed();
        if (++failures >= FAILURES_BEFORE_GIVING_UP) {
          throw e;
        }
        pause = Math.min(LONGEST_PAUSE_MS, firstPause.toMillis() << (failures - 1));
        out.println(stage + ": pass failed: " + (e.getMessage() == null ? e.toString() : e.getMessage())
            + "; trying again in " + Duration.ofMillis(pause).toString().substring(2).toLowerCase(java.util.Locale.ROOT)
            + " (" + failures + " of " + FAILURES_BEFORE_GIVING_UP
            + " failures in a row before giving up)");
        out.flush();
      }
      long until = System.nanoTime() + pause * 1_000_000L;
      while (!stopping.getAsBoolean() && System.nanoTime() < until) {
        Thread.sleep(Math.min(100, Math.max(1, pause)));
      }
    }
    out.println(stage + ": stopped");
  }
}
