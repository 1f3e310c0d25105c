package dev.lakesync.stream;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import io.delta.tables.DeltaTable;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Compacts the validated tables (Delta OPTIMIZE) every {@code lake.optimizeInterval} while the stream keeps MERGEing
 * into them. OPTIMIZE and MERGE may conflict; both sides retry a bounded number of times ({@link ConflictRetry}), and
 * an OPTIMIZE that still fails is reported and tried again at the next interval: compaction is never worth stopping
 * the stream for. VACUUM is left to the operator (docs/design.md gives the retention to use).
 */
final class TableMaintenance implements AutoCloseable {
  private final PipelineConfig config;
  private final SparkSession spark;
  private final PrintStream out;
  private final LakePaths paths;
  private ScheduledExecutorService scheduler;

  TableMaintenance(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.config = config;
    this.spark = spark;
    this.out = out;
    this.paths = new LakePaths(config.lake().root());
  }

  /** Starts compacting every interval in the background (nothing when the interval is zero). */
  void startPeriodic() {
    Duration interval = config.lake().optimizeInterval();
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    scheduler = SideBySide.scheduler("lakesync-optimize");
    scheduler.scheduleWithFixedDelay(this::optimizeAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * For a scheduled {@code --once} run: OPTIMIZEs each table not compacted within the interval (judged from its
   * last 100 commits), so that catch-up deployments get compaction too.
   */
  void optimizeDue() {
    Duration interval = config.lake().optimizeInterval();
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    long since = System.currentTimeMillis() - interval.toMillis();
    for (TableConfig table : config.tables()) {
      String path = paths.validated(table.schema(), table.table());
      if (DeltaTable.isDeltaTable(spark, path) && DeltaTable.forPath(spark, path).history(100)
          .where("operation = 'OPTIMIZE' AND timestamp >= timestamp_millis(" + since + ")").isEmpty()) {
        try {
          optimizeIfWorthIt(table);
        } catch (RuntimeException e) {
          out.printf("process: OPTIMIZE of %s failed, trying again at the next run: %s%n", table.qualifiedName(),
              e.getMessage());
        }
      }
    }
  }

  /** OPTIMIZEs each validated table that has enough files; a failure is reported, not thrown. */
  void optimizeAll() {
    for (TableConfig table : config.tables()) {
      try {
        optimizeIfWorthIt(table);
      } catch (RuntimeException e) {
        out.printf("process: OPTIMIZE of %s failed, trying again in %s: %s%n", table.qualifiedName(),
            config.lake().optimizeInterval(), e.getMessage());
      }
    }
  }

  /**
   * OPTIMIZEs a table that has at least {@code lake.optimizeMinFiles} files; returns whether it did (false also when
   * the table does not exist yet).
   */
  boolean optimizeIfWorthIt(TableConfig table) {
    String path = paths.validated(table.schema(), table.table());
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return false;
    }
    long files = spark.sql("DESCRIBE DETAIL delta.`" + path.replace("`", "``") + "`").first().getAs("numFiles");
    int min = config.lake().optimizeMinFiles();
    if (files < min) {
      out.printf("process: OPTIMIZE %s skipped: %d files, fewer than lake.optimizeMinFiles (%d)%n",
          table.qualifiedName(), files, min);
      return false;
    }
    compact(table, path);
    return true;
  }

  /** Compacts one table's small files; returns the number of files removed (0 when the table does not exist yet). */
  long optimize(TableConfig table) {
    String path = paths.validated(table.schema(), table.table());
    return DeltaTable.isDeltaTable(spark, path) ? compact(table, path) : 0;
  }

  /** OPTIMIZE of an existing table at {@code path}, retried on a conflict; returns the number of files removed. */
  private long compact(TableConfig table, String path) {
    long started = System.nanoTime();
    return ConflictRetry.run("OPTIMIZE " + table.qualifiedName(), () -> {
      Row metrics = DeltaTable.forPath(spark, path).optimize().executeCompaction().first().getStruct(1);
      long removed = metrics.getLong(metrics.fieldIndex("numFilesRemoved"));
      long added = metrics.getLong(metrics.fieldIndex("numFilesAdded"));
      out.printf("process: OPTIMIZE %s: %d files -> %d in %d ms%n", table.qualifiedName(), removed, added,
          (System.nanoTime() - started) / 1_000_000);
      return removed;
    });
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
