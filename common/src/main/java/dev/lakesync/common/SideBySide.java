package dev.lakesync.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Work that runs side by side on a few daemon threads: a batch's tables, a load's staging tables, the parts of a large
 * document write; and work on a schedule beside a stage's own (compaction, checkpoints, a dashboard's samples).
 */
public final class SideBySide {
  private SideBySide() {
  }

  /** A fixed pool of daemon threads named {@code name} (they never keep a stopping JVM alive). */
  public static ExecutorService pool(String name, int threads) {
    return Executors.newFixedThreadPool(threads, daemon(name));
  }

  /** One daemon thread named {@code name} for work on a schedule. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(daemon(name));
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Runs the tasks on {@code pool} at once and waits for all of them; returns their results in order. The first
   * failure is thrown once every task has ended (as it was thrown when it is an Exception).
   */
  public static <T> List<T> runAll(ExecutorService pool, List<Callable<T>> tasks) throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(pool.submit(task));
    }
    List<T> results = new ArrayList<>();
    Exception failure = null;
    for (Future<T> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof Exception ? (Exception) e.getCause()
              : new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        results.add(null);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return results;
  }
}
