package dev.lakesync.lake;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.SparkSession;

/** Finding the {@link LakeFollower}s on the classpath, and running one as its own stage or in a loop. */
public final class LakeFollowers {
  /** The module of each stage that can follow the lake, to say which jar is missing. */
  private static final java.util.Map<String, String> MODULES =
      java.util.Map.of("warehouse", "warehouse-loader", "serving", "serving-sync");

  private LakeFollowers() {
  }

  /**
   * The followers named, in that order.
   *
   * @throws StageMain.ConfigProblem for a name no follower on the classpath has
   */
  public static List<LakeFollower> find(List<String> stages) {
    List<LakeFollower> available = new ArrayList<>();
    ServiceLoader.load(LakeFollower.class).forEach(available::add);
    List<LakeFollower> found = new ArrayList<>();
    for (String named : stages) {
      String stage = named.trim();
      LakeFollower follower = available.stream().filter(candidate -> candidate.stage().equals(stage)).findFirst()
          .orElseThrow(() -> new StageMain.ConfigProblem("--with " + stage + ": " + (MODULES.containsKey(stage)
              ? "the " + stage + " stage's jar is not on this application's classpath (the launcher adds it; with "
                  + "spark-submit or Synapse add lakesync-" + MODULES.get(stage) + ".jar and its libraries)"
              : "expected warehouse or serving")));
      if (found.contains(follower)) {
        throw new StageMain.ConfigProblem("--with " + stage + ": named twice");
      }
      found.add(follower);
    }
    return found;
  }

  /**
   * A follower as a stage of its own ({@code run warehouse}, {@code run serving}): one pass with {@code once},
   * otherwise a pass every {@code interval} until stopped. Returns the exit status.
   */
  public static int runAlone(LakeFollower follower, PipelineConfig config, boolean once, Duration interval,
      Commands.Metrics metrics, PrintStream out) throws Exception {
    follower.check(config);
    SparkSession spark = SparkSessions.create(config, "lakesync-" + follower.stage() + "-" + config.name());
    try {
      if (once) {
        passOnce(List.of(follower), config, spark, out);
      } else {
        try (LakeFollower.Passes passes = follower.open(config, spark, out)) {
          loop(follower.stage(), passes, interval, metrics, out);
        }
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** A pass every {@code interval} until stopped, told to the stage's metrics when {@code metrics} has a port. */
  private static void loop(String stage, LakeFollower.Passes passes, Duration interval, Commands.Metrics metrics,
      PrintStream out) throws Exception {
    loop(stage, passes, interval, metrics, out, () -> false);
  }

  private static void loop(String stage, LakeFollower.Passes passes, Duration interval, Commands.Metrics metrics,
      PrintStream out, java.util.function.BooleanSupplier stopRequested) throws Exception {
    StageLoop.Observer observer = StageLoop.observer(stage, passes.itemsName(), metrics);
    passes.describe(observer);
    StageLoop.run(stage, interval, out, passes::once, observer, stopRequested);
  }

  /** With {@code once}: one pass of each follower, in order, on the application's session. */
  public static void passOnce(List<LakeFollower> followers, PipelineConfig config, SparkSession spark, PrintStream out)
      throws Exception {
    for (LakeFollower follower : followers) {
      try (LakeFollower.Passes passes = follower.open(config, spark, out)) {
        if (passes.once() == 0) {
          out.println(follower.stage() + ": nothing new to " + (follower.stage().equals("warehouse") ? "load" : "sync"));
        }
      }
    }
  }

  /**
   * Followers passing every {@code interval} beside the application's main work, each in a thread of its own. One
   * that gives up (a pass failed ten times in a row, or its config is wrong) calls {@code onGiveUp} (the application
   * stops its stream) and is rethrown by {@link #stop}.
   */
  public static final class Beside {
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Opens every follower first (a problem in any stops the start), then starts their loops. */
    public static Beside start(List<LakeFollower> followers, PipelineConfig config, SparkSession spark,
        Duration interval, Commands.Metrics metrics, PrintStream out, Runnable onGiveUp) {
      Beside beside = new Beside();
      List<LakeFollower.Passes> opened = new ArrayList<>();
      for (LakeFollower follower : followers) {
        opened.add(follower.open(config, spark, out));
      }
      for (int i = 0; i < followers.size(); i++) {
        String stage = followers.get(i).stage();
        LakeFollower.Passes passes = opened.get(i);
        Thread thread = new Thread(() -> {
          try (passes) {
            loop(stage, passes, interval, metrics, out, beside.stopping::get);
          } catch (Exception e) {
            if (beside.failure.compareAndSet(null, e)) {
              out.println(stage + ": gave up, stopping the application: " + e.getMessage());
              onGiveUp.run();
            }
          }
        }, "lakesync-" + stage);
        thread.setDaemon(true);
        beside.threads.add(thread);
      }
      beside.threads.forEach(Thread::start);
      return beside;
    }

    /** Ends each loop after its pass under way; rethrows the failure of one that gave up. */
    public void stop() throws Exception {
      stopping.set(true);
      for (Thread thread : threads) {
        thread.join(60_000); // a pass under way finishes first
      }
      if (failure.get() != null) {
        throw failure.get();
      }
    }
  }
}
