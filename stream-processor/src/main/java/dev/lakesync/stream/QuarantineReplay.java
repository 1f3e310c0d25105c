package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaTables;
import io.delta.tables.DeltaTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the quarantine holds, and its replay: quarantined events judged again under the current config (checks and
 * rules) and those that now pass applied through the same MERGE as the stream, position guard included (an old
 * event never overwrites a newer row). A replayed event is marked ({@link #REPLAYED_AT}) so that a second replay
 * leaves it alone; one that still fails stays as it is.
 */
final class QuarantineReplay {
  /** The quarantine table's column marking an event replayed (added by the first replay). */
  static final String REPLAYED_AT = "replayed_at";

  private final PipelineConfig config;
  private final SparkSession spark;
  private final LakePaths paths;

  QuarantineReplay(PipelineConfig config, SparkSession spark) {
    this.config = config;
    this.spark = spark;
    this.paths = new LakePaths(config.lake().root());
    BatchHandler.registerFunctions(spark);
  }

  /** One table's quarantine: events waiting per reason, events replayed, a few waiting ones. */
  static final class Summary {
    final Map<String, Long> waitingByReason = new TreeMap<>();
    long waiting;
    long replayed;
    final List<String> samples = new java.util.ArrayList<>();
  }

  Summary summarize(TableConfig table, String reason) {
    Summary summary = new Summary();
    Dataset<Row> all = quarantine(table);
    if (all == null) {
      return summary;
    }
    Dataset<Row> matching = reason == null ? all : all.where(hasReason(reason));
    Dataset<Row> waiting = matching.where(waiting(all));
    summary.waiting = waiting.count();
    summary.replayed = matching.count() - summary.waiting;
    for (Row row : waiting.select(expr("explode(reasons)").alias("reason")).groupBy("reason").count().collectAsList()) {
      summary.waitingByReason.put(row.getString(0), row.getLong(1));
    }
    for (Row row : waiting.orderBy("topic", "partition", "offset").selectExpr("cast(key AS string)", "error").limit(3)
        .collectAsList()) {
      summary.samples.add((row.isNullAt(0) ? "(no key)" : row.getString(0)) + " " + row.getString(1));
    }
    return summary;
  }

  /** What a replay of one table did. */
  static final class Result {
    long considered;
    long applied;
    long superseded;
    long dropped;
    long stillQuarantined;
  }

  /** Replays {@code table}'s waiting events (those with a reason starting with {@code reason}, when given). */
  Result replay(TableConfig table, String reason) {
    Result result = new Result();
    Dataset<Row> all = quarantine(table);
    if (all == null) {
      return result;
    }
    Dataset<Row> records = all.where(waiting(all).and(reason == null ? lit(true) : hasReason(reason)))
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("timestamp"))
        .withColumn(EnvelopeUdf.COLUMN, expr(EnvelopeUdf.NAME + "(value)"))
        .persist();
    try {
      result.considered = records.count();
      if (result.considered == 0) {
        return result;
      }
      Map<Long, String> schemas = new LinkedHashMap<>();
      Column id = col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.SCHEMA_ID);
      for (Row row : records.where(id.isNotNull()).select(id.alias("id"), col("value")).dropDuplicates("id")
          .select(col("id"), expr(EnvelopeUdf.SchemaUdf.NAME + "(value)")).collectAsList()) {
        schemas.put(row.getLong(0), row.getString(1));
      }
      ValidatedWriter validated = new ValidatedWriter(spark, paths, config.lake().deletionVectors());
      try (TableBatch batch = TableBatch.parse(table, records, schemas, validated.columns(table), false)) {
        TableBatch.Stats stats = batch.stats();
        if (stats.unchangedToast > 0) {
          batch.refuseUnknownToastValues(validated.rows(table));
          stats = batch.stats();
        }
        if (stats.failed > 0) {
          throw new IllegalStateException(table.qualifiedName() + ": " + batch.describeFirstFailure() + "; "
              + stats.failed + " quarantined event(s) break a fail rule: nothing replayed (fix the data or the rule)");
        }
        result.applied = batch.columns.isEmpty() ? 0
            : validated.merge(batch, stats, "quarantine-replay", System.currentTimeMillis());
        result.dropped = stats.dropped;
        result.stillQuarantined = stats.quarantined;
        result.superseded = result.considered - result.applied - result.dropped - result.stillQuarantined;
        markReplayed(table, batch.rows.where("size(" + TableBatch.REASONS + ") = 0")
            .select(col(TableBatch.TOPIC).alias("topic"), col(TableBatch.PARTITION).alias("partition"),
                col(TableBatch.OFFSET).alias("offset")));
      }
    } finally {
      records.unpersist();
    }
    return result;
  }

  /** Sets {@link #REPLAYED_AT} on the quarantined events at {@code replayed} (topic, partition, offset). */
  private void markReplayed(TableConfig table, Dataset<Row> replayed) {
    String path = paths.quarantine(table.schema(), table.table());
    ConflictRetry.run("mark replayed events in the quarantine of " + table.qualifiedName(), () -> {
      if (!java.util.Arrays.asList(DeltaTable.forPath(spark, path).toDF().columns()).contains(REPLAYED_AT)) {
        spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` ADD COLUMNS (" + REPLAYED_AT + " TIMESTAMP)");
      }
      DeltaTable.forPath(spark, path).as("q")
          .merge(replayed.as("r"), col("q.topic").equalTo(col("r.topic")).and(col("q.partition").equalTo(col("r.partition")))
              .and(col("q.offset").equalTo(col("r.offset"))).and(col("q." + REPLAYED_AT).isNull()))
          .whenMatched().updateExpr(Map.of(REPLAYED_AT, "current_timestamp()"))
          .execute();
      return 0L;
    });
  }

  /** The table's quarantine, or null when nothing was ever quarantined. */
  private Dataset<Row> quarantine(TableConfig table) {
    String path = paths.quarantine(table.schema(), table.table());
    return DeltaTables.exists(spark, path) ? spark.read().format("delta").load(path) : null;
  }

  /** Events not replayed yet (every event, before the first replay added the mark). */
  private static Column waiting(Dataset<Row> quarantine) {
    return java.util.Arrays.asList(quarantine.columns()).contains(REPLAYED_AT) ? col(REPLAYED_AT).isNull() : lit(true);
  }

  /** An event with a reason starting with {@code reason} (bound as a value, not pasted into SQL). */
  private static Column hasReason(String reason) {
    return org.apache.spark.sql.functions.exists(col("reasons"), r -> r.startsWith(reason));
  }
}
