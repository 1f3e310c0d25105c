package dev.lakesync.common.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a batch stage's pass every interval until the JVM is asked to stop (Ctrl-C, SIGTERM); the shutdown waits for
 * the pass under way to finish, so a stop never cuts a load or sync in half.
 */
public final class StageLoop {
  /** One pass of the stage (a load, a sync). */
  public interface Pass {
    void run() throws Exception;
  }

  private StageLoop() {
  }

  /** @param stage the name in the stop message ("warehouse", "serving") */
  public static void run(String stage, Duration interval, PrintStream out, Pass pass) throws Exception {
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
      while (!stopping.get()) {
        pass.run();
        long until = System.nanoTime() + interval.toNanos();
        while (!stopping.get() && System.nanoTime() < until) {
          Thread.sleep(100);
        }
      }
      out.println(stage + ": stopped");
    } finally {
      stopped.countDown();
    }
  }
}
