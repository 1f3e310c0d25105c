package dev.lakesync.stream;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaCommits;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Writes the Delta checkpoints of this job's tables (landing, quarantine, validated) on a background thread instead
 * of inside a batch's commits.
 *
 * <p>Delta checkpoints a table in the commit that reaches each {@code delta.checkpointInterval}-th version. The landing
 * and validated tables commit once a batch, so every tenth batch wrote two checkpoints before it could end (longer
 * than the rest of the batch) and the batch after it started late: that was the steady-state p99.
 * Tables this job creates therefore get an inline interval of {@value #INLINE_INTERVAL} commits (a safety net, should
 * this thread not run), and this thread checkpoints a validated table once it is {@value #VALIDATED_INTERVAL} commits
 * past its last checkpoint (Delta's default), so the stages that read them every pass replay no more log files than
 * before. The landing and quarantine zones are written every batch but read rarely (an audit, a replay): they are
 * checkpointed every {@value #RAW_INTERVAL} commits, as a checkpoint's cost is mostly fixed
 * (planning, code generation, a Spark job, however few files the table has). Tables
 * created with another interval keep their inline checkpoints, and this thread finds nothing due on them. A failed
 * checkpoint is reported and tried again at the next look; it never stops the stream (nor does it in Delta's own
 * post-commit hook).
 */
final class LogCheckpoints implements AutoCloseable {
  /** Commits after which a validated table is checkpointed: Delta's default {@code delta.checkpointInterval}. */
  static final int VALIDATED_INTERVAL = 10;
  /** Commits after which a landing or quarantine table is checkpointed. */
  static final int RAW_INTERVAL = 100;
  /** The {@code delta.checkpointInterval} of the tables this job creates. */
  static final int INLINE_INTERVAL = 1000;
  /** Session default of the tables' properties at creation (Delta's {@code properties.defaults.} prefix). */
  static final String INLINE_INTERVAL_DEFAULT = "spark.databricks.delta.properties.defaults.checkpointInterval";

  private final SparkSession spark;
  private final PrintStream out;
  /** The job's table paths and the commits after which each is checkpointed. */
  private final Map<String, Integer> intervals = new LinkedHashMap<>();
  private ScheduledExecutorService scheduler;

  LogCheckpoints(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.out = out;
    LakePaths paths = new LakePaths(config.lake().root());
    intervals.put(paths.landingOfUnknownTables(), RAW_INTERVAL);
    intervals.put(paths.landingOfTransactionMarkers(), RAW_INTERVAL);
    for (TableConfig table : config.tables()) {
      intervals.put(paths.landing(table.schema(), table.table()), RAW_INTERVAL);
      intervals.put(paths.quarantine(table.schema(), table.table()), RAW_INTERVAL);
      intervals.put(paths.validated(table.schema(), table.table()), VALIDATED_INTERVAL);
    }
  }

  /**
   * Makes the tables the Spark session creates from now on leave checkpoints to this class, unless the pipeline's
   * {@code lake.spark} settings chose an interval.
   */
  void takeOverFromCommits() {
    if (!spark.conf().contains(INLINE_INTERVAL_DEFAULT)) {
      spark.conf().set(INLINE_INTERVAL_DEFAULT, String.valueOf(INLINE_INTERVAL));
    }
  }

  /** Looks for due checkpoints every {@code period} on a background thread. */
  void startPeriodic(Duration period) {
    scheduler = SideBySide.scheduler("lakesync-checkpoints");
    scheduler.scheduleWithFixedDelay(this::checkpointDue, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Checkpoints each table its interval or more commits past its last checkpoint; failures are reported. */
  synchronized void checkpointDue() {
    for (Map.Entry<String, Integer> table : intervals.entrySet()) {
      String path = table.getKey();
      try {
        checkpointIfDue(path, table.getValue());
      } catch (RuntimeException e) {
        out.printf("process: checkpoint of %s failed, trying again later: %s%n", path, e.getMessage());
      }
    }
  }

  /** Whether it wrote a checkpoint of the table at {@code path}, due {@code interval} commits after the last. */
  boolean checkpointIfDue(String path, int interval) {
    // The newest version this JVM knows: the job's own commits (and its OPTIMIZEs) update it; no listing needed.
    DeltaLog log = DeltaLog.forTable(spark, path);
    long version = log.unsafeVolatileSnapshot().version();
    if (version < 0) {
      return false; // no table yet: nothing to read
    }
    long since = version - DeltaCommits.lastCheckpointVersion(spark, path);
    if (since < interval) {
      return false;
    }
    long started = System.nanoTime();
    log.checkpoint(); // of the newest snapshot this JVM knows, in Delta 3.3 and 2.4 alike
    out.printf("process: checkpoint of %s (%d commits since the last) in %d ms%n", path, since,
        (System.nanoTime() - started) / 1_000_000);
    return true;
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
