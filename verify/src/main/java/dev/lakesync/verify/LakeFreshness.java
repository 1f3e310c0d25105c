package dev.lakesync.verify;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaTables;
import dev.lakesync.lake.SparkSessions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Source commit to visible in the validated Delta tables, for every change applied: each row version in a table's
 * Change Data Feed carries its source commit time ({@code _source_ts_ms}, the database's commit timestamp) and the
 * time its Delta commit became visible ({@code _commit_timestamp}); nothing in the stream-processor is asked.
 * Summarised per window of source commit times; used by {@code ./lakesync bench e2e}.
 */
public final class LakeFreshness {
  private LakeFreshness() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.BenchLakeFreshness(), args, out, err, (options, config) -> {
      List<long[]> windows = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (String window : options.windows) {
        String[] parts = window.split(":");
        if (parts.length != 3 || !parts[1].matches("\\d+") || !parts[2].matches("\\d+")) {
          throw new StageMain.UsageProblem("--windows takes LABEL:FROM_MS:TO_MS[,...], got '" + window + "'");
        }
        labels.add(parts[0]);
        windows.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
      }
      SparkSession spark = SparkSessions.create(config, "lakesync-bench-e2e-lake");
      try {
        Dataset<Row> latencies = latencies(spark, config);
        if (latencies == null) {
          err.println("bench e2e-lake: no validated table exists yet under " + config.lake().root());
          return 1;
        }
        latencies.cache();
        for (int i = 0; i < windows.size(); i++) {
          Row summary = latencies.where(col("_source_ts_ms").geq(windows.get(i)[0]).and(col("_source_ts_ms").lt(windows.get(i)[1])))
              .agg(expr("count(*)"), expr("percentile(latency_ms, 0.5)"), expr("percentile(latency_ms, 0.99)"),
                  expr("max(latency_ms)")).first();
          out.println(String.format(Locale.ROOT, "lake: window=%s changes=%d p50_ms=%.0f p99_ms=%.0f max_ms=%d", labels.get(i),
              summary.getLong(0), summary.isNullAt(1) ? -1.0 : summary.getDouble(1),
              summary.isNullAt(2) ? -1.0 : summary.getDouble(2), summary.isNullAt(3) ? -1 : summary.getLong(3)));
        }
        return 0;
      } finally {
        spark.stop();
      }
    });
  }

  /** Every row version the tables' Change Data Feeds hold (tombstones of deletes included), with its latency. */
  private static Dataset<Row> latencies(SparkSession spark, PipelineConfig config) {
    LakePaths paths = new LakePaths(config.lake().root());
    Dataset<Row> all = null;
    for (TableConfig table : config.tables()) {
      String path = paths.validated(table.schema(), table.table());
      if (!DeltaTables.exists(spark, path)) {
        continue;
      }
      Dataset<Row> versions = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", 0)
          .load(path).where("_change_type IN ('insert', 'update_postimage')")
          .select(col("_source_ts_ms"), expr("unix_millis(_commit_timestamp) - _source_ts_ms").alias("latency_ms"));
      all = all == null ? versions : all.unionByName(versions);
    }
    return all;
  }
}
