package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakeColumnNames;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaCommits;
import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * MERGEs a table's valid changes into {@code validated/<schema>/<table>} in one Delta commit: the newest change per
 * key by {@code _source_pos}, applied only when newer than what the table holds. A delete leaves a tombstone row
 * ({@code _op = 'd'}) so that a late, older event can never bring the row back; readers skip tombstones. An unchanged
 * TOAST marker keeps the column's current value. A new nullable source column is added to the table first. A batch
 * whose first keys are all above the largest the table holds ({@link KeyBounds}) is appended instead: no row can
 * match it, so the MERGE would only insert. An append-only table's inserts are appended as they are.
 */
final class ValidatedWriter {
  static final List<String> METADATA = LakeColumnNames.METADATA;

  /** Commits read back for this MERGE's own (a few OPTIMIZEs may have committed after it). */
  private static final int MERGE_LOOKBACK = 20;

  private final SparkSession spark;
  private final LakePaths paths;
  /**
   * Per table path, its columns and their Spark SQL types, once read (this process is the tables' only writer of
   * columns, and it drops an entry when it adds one).
   */
  private final Map<String, LakeColumns> tableColumns = new java.util.concurrent.ConcurrentHashMap<>();
  private final KeyBounds keyBounds;
  private final boolean deletionVectors;

  /** {@code deletionVectors}: whether the tables it creates use them ({@code lake.deletionVectors}). */
  ValidatedWriter(SparkSession spark, LakePaths paths, boolean deletionVectors) {
    this.spark = spark;
    this.paths = paths;
    this.deletionVectors = deletionVectors;
    this.keyBounds = new KeyBounds(spark);
  }

  /**
   * Applies the batch in one commit; returns the number of its events applied (rows inserted or updated, plus the
   * truncate that emptied the table, if any). Retried on a conflict with a concurrent writer (OPTIMIZE): the
   * position guard makes a retry safe.
   */
  long merge(TableBatch batch, TableBatch.Stats stats, String query, long batchId) {
    if (batch.table.appendOnly()) {
      return ConflictRetry.run("append to " + batch.table.qualifiedName(), () -> appendOnly(batch, query, batchId));
    }
    return ConflictRetry.run("MERGE into " + batch.table.qualifiedName(), () -> mergeOnce(batch, stats));
  }

  /**
   * An append-only table's valid inserts appended as they are, each one a row (a keyless table may hold equal rows).
   * Delta's idempotent-write options make a replayed batch a no-op (per streaming query, whose batch ids count from
   * 0 in a fresh checkpoint); the table is not partitioned by batch.
   */
  private long appendOnly(TableBatch batch, String query, long batchId) {
    List<org.apache.spark.sql.Column> all = new ArrayList<>();
    for (ColumnSpec column : batch.columns) {
      all.add(col(TableBatch.quote(column.name)));
    }
    METADATA.forEach(name -> all.add(col(name)));
    Dataset<Row> inserts = batch.rows.where("size(" + TableBatch.REASONS + ") = 0 AND NOT " + TableBatch.DROPPED)
        .select(all.toArray(new org.apache.spark.sql.Column[0]));
    long count = inserts.count();
    if (count == 0) {
      return 0;
    }
    String path = paths.validated(batch.table.schema(), batch.table.table());
    ensureTableHas(path, inserts.schema(), batch.columns);
    inserts.write().format("delta").mode("append")
        .option("txnAppId", "lakesync-validated-" + batch.table.qualifiedName() + "-" + query)
        .option("txnVersion", batchId)
        .save(path);
    return count;
  }

  private long mergeOnce(TableBatch batch, TableBatch.Stats stats) {
    List<String> columns = new ArrayList<>();
    for (ColumnSpec column : batch.columns) {
      columns.add(column.name);
    }
    List<String> all = new ArrayList<>(columns);
    all.addAll(METADATA);
    Dataset<Row> valid = batch.rows.where("size(" + TableBatch.REASONS + ") = 0 AND NOT " + TableBatch.DROPPED);
    // A truncate empties the table as of its position: only changes after the newest truncate still apply.
    String truncate = stats.truncatePosition;
    Dataset<Row> changes = valid.where("_op <> 't'");
    if (truncate != null) {
      changes = changes.where(col("_source_pos").gt(truncate));
    }
    // The newest change per key: one hash aggregation (max_by), no sort. A column the newest change left out
    // (an unchanged TOAST value) takes the newest value an earlier change of the batch gave it, if any.
    List<org.apache.spark.sql.Column> keys = new ArrayList<>();
    for (String key : batch.keys) {
      keys.add(col(TableBatch.quote(key)));
    }
    String everything = all.stream().map(TableBatch::quote).collect(java.util.stream.Collectors.joining(", "));
    List<org.apache.spark.sql.Column> aggregates = new ArrayList<>();
    aggregates.add(expr("max_by(struct(" + everything + "), _source_pos)").alias("_newest"));
    List<org.apache.spark.sql.Column> selected = new ArrayList<>();
    for (ColumnSpec column : batch.columns) {
      String newestValue = "_newest." + TableBatch.quote(column.name);
      if (stats.unchangedToast > 0 && column.text) {
        String given = "_given_" + selected.size();
        String unchanged = UnchangedToast.test(column, TableBatch.quote(column.name));
        aggregates.add(expr("max_by(" + TableBatch.quote(column.name) + ", CASE WHEN " + unchanged + " THEN NULL ELSE _source_pos END)")
            .alias(given));
        selected.add(expr("CASE WHEN " + UnchangedToast.test(column, newestValue) + " THEN coalesce(" + given + ", "
            + newestValue + ") ELSE " + newestValue + " END").alias(column.name));
      } else {
        selected.add(col(newestValue).alias(column.name));
      }
    }
    METADATA.forEach(name -> selected.add(col("_newest." + name).alias(name)));
    Dataset<Row> newest = changes
        .groupBy(keys.toArray(new org.apache.spark.sql.Column[0]))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new org.apache.spark.sql.Column[0]))
        .select(selected.toArray(new org.apache.spark.sql.Column[0]));

    if (stats.snapshotEndPosition != null) {
      // A key whose newest change in the batch is older than a snapshot that ended in it was not read by that
      // snapshot: an earlier, cut-short snapshot read it and the source deleted it since (see the MERGE below).
      newest = newest.withColumn("_op", expr("CASE WHEN _source_pos < " + sqlLiteral(stats.snapshotEndPosition)
          + " THEN 'd' ELSE _op END"));
    }
    String path = paths.validated(batch.table.schema(), batch.table.table());
    ensureTableHas(path, newest.schema(), batch.columns);

    String firstKey = batch.keys.get(0);
    long before = DeltaCommits.newestVersion(spark, path);
    // A truncate or a completed snapshot must see every row of the table.
    boolean wholeTable = truncate != null || stats.snapshotEndPosition != null;
    if (!wholeTable && stats.firstKeyMin != null
        && keyBounds.allBelow(path, before, firstKey, newest.schema().apply(firstKey).dataType(), stats.firstKeyMin)) {
      // No row can match: what the MERGE would do is insert every change (deletes as tombstones). Its fixed cost
      // (finding touched files over the table's file list, a join, conflict checks) is well above an append's.
      return append(newest, path, before, stats.firstKeyMax);
    }

    Map<String, String> update = new LinkedHashMap<>();
    Map<String, String> insert = new LinkedHashMap<>();
    for (ColumnSpec column : batch.columns) {
      String source = "s." + TableBatch.quote(column.name);
      String target = "t." + TableBatch.quote(column.name);
      String value = column.text
          ? "CASE WHEN " + UnchangedToast.test(column, source) + " THEN " + target + " ELSE " + source + " END"
          : source;
      // A delete keeps the row's last values next to _op = 'd'.
      update.put(TableBatch.quote(column.name), "CASE WHEN s._op = 'd' THEN " + target + " ELSE " + value + " END");
      insert.put(TableBatch.quote(column.name), source);
    }
    for (String name : METADATA) {
      update.put(name, "s." + name);
      insert.put(name, "s." + name);
    }
    org.apache.spark.sql.Column on = null;
    for (String key : batch.keys) {
      org.apache.spark.sql.Column equal = col("t." + TableBatch.quote(key)).equalTo(col("s." + TableBatch.quote(key)));
      on = on == null ? equal : on.and(equal);
    }
    if (!wholeTable && stats.firstKeyMin != null) {
      // The batch's key range lets Delta skip the files whose key statistics lie outside it (new rows of an
      // increasing key touch no old file). Bound as literals, not pasted into SQL. A truncate must see every row.
      String first = "t." + TableBatch.quote(batch.keys.get(0));
      on = on.and(col(first).geq(org.apache.spark.sql.functions.lit(stats.firstKeyMin)))
          .and(col(first).leq(org.apache.spark.sql.functions.lit(stats.firstKeyMax)));
    }
    DeltaMergeBuilder merge = DeltaTable.forPath(spark, path).as("t")
        .merge(newest.as("s"), on)
        .whenMatched("s._source_pos > t._source_pos").updateExpr(update)
        .whenNotMatched().insertExpr(insert);
    if (truncate != null) {
      // Every row older than the truncate becomes a tombstone at the truncate's position, so that no late event
      // from before the truncate brings it back. Positions are our own fixed-width format, checked before use.
      String position = sqlLiteral(truncate);
      Map<String, String> tombstone = new LinkedHashMap<>();
      tombstone.put("_op", "'d'");
      tombstone.put("_source_pos", position);
      tombstone.put("_source_ts_ms", stats.truncateTsMs == null ? "t._source_ts_ms" : String.valueOf(stats.truncateTsMs));
      tombstone.put("_ingested_at", "current_timestamp()");
      merge = merge.whenNotMatchedBySource("t._source_pos < " + position).updateExpr(tombstone);
    }
    if (stats.snapshotEndPosition != null) {
      // A completed snapshot read every row the source held at its position. A row older than that position which
      // it did not read was written by an earlier snapshot that was cut short (capture killed, then the snapshot
      // restarted) and deleted in the source since: it becomes a tombstone. At its own position, so that a read
      // of this snapshot arriving after the last one (from another partition) still applies.
      Map<String, String> stale = new LinkedHashMap<>();
      stale.put("_op", "'d'");
      stale.put("_ingested_at", "current_timestamp()");
      merge = merge.whenNotMatchedBySource("t._op <> 'd' AND t._source_pos < " + sqlLiteral(stats.snapshotEndPosition))
          .updateExpr(stale);
    }
    merge.execute();
    // The metrics of this MERGE: the newest MERGE commit after the version it started from (an OPTIMIZE may have
    // committed since; this job is the table's only MERGE writer). Read from the log file, not history(): no job.
    java.util.Optional<DeltaCommits.Commit> commit = ownCommit(path, before, "MERGE", stats.firstKeyMax);
    if (commit.isEmpty()) {
      return 0; // nothing committed
    }
    com.fasterxml.jackson.databind.JsonNode operationMetrics = commit.get().info.path("operationMetrics");
    long updated = metric(operationMetrics, "numTargetRowsMatchedUpdated", metric(operationMetrics, "numTargetRowsUpdated", 0));
    return metric(operationMetrics, "numTargetRowsInserted", 0) + updated + (truncate == null ? 0 : 1);
  }

  /**
   * The batch's newest changes appended in one commit: what the MERGE would have done when no row matches (every
   * change inserted, deletes as tombstones). A replay finds these rows and goes through the MERGE's position guard.
   */
  private long append(Dataset<Row> newest, String path, long before, Object largestKey) {
    newest.write().format("delta").mode("append").save(path);
    DeltaCommits.Commit commit = ownCommit(path, before, "WRITE", largestKey)
        .orElseThrow(() -> new IllegalStateException("the append to " + path + " left no commit"));
    return metric(commit.info.path("operationMetrics"), "numOutputRows", 0);
  }

  /**
   * This job's {@code operation} commit after version {@code before}, if it made one (read from the log file, not
   * history(): no job); the key bound follows it.
   */
  private java.util.Optional<DeltaCommits.Commit> ownCommit(String path, long before, String operation, Object largestKey) {
    java.util.Optional<DeltaCommits.Commit> commit = DeltaCommits.newest(spark, path, MERGE_LOOKBACK,
        info -> operation.equals(info.path("operation").asText())).filter(found -> found.version > before);
    commit.ifPresent(found -> keyBounds.committed(path, before, found.version, largestKey));
    return commit;
  }

  /** Delta writes operation metrics as strings. */
  private static long metric(com.fasterxml.jackson.databind.JsonNode metrics, String name, long otherwise) {
    com.fasterxml.jackson.databind.JsonNode value = metrics.path(name);
    return value.isMissingNode() || value.isNull() ? otherwise : Long.parseLong(value.asText());
  }

  private static String sqlLiteral(String position) {
    if (!position.matches("[0-9A-Za-z:/._-]{1,200}")) {
      throw new IllegalStateException("unexpected source position format: " + position);
    }
    return "'" + position + "'";
  }

  /** The validated table's rows (tombstones included), or null when it does not exist yet. */
  Dataset<Row> rows(TableConfig table) {
    String path = paths.validated(table.schema(), table.table());
    return DeltaTable.isDeltaTable(spark, path) ? DeltaTable.forPath(spark, path).toDF() : null;
  }

  /** The validated table's columns; none when the table does not exist yet. */
  LakeColumns columns(TableConfig table) {
    return columns(paths.validated(table.schema(), table.table()));
  }

  private LakeColumns columns(String path) {
    LakeColumns columns = tableColumns.get(path);
    if (columns != null) {
      return columns;
    }
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return LakeColumns.NONE;
    }
    LakeColumns read = LakeColumns.of(DeltaTable.forPath(spark, path).toDF().schema());
    tableColumns.put(path, read);
    return read;
  }

  /**
   * Creates the table, or adds the columns it lacks, before the MERGE; a batch whose columns the table is known to
   * have reads nothing. A column whose lake name is not its source name records the source name in its metadata.
   * Columns are added by an empty append that merges the schema, not by ALTER TABLE: metadata needs no SQL text.
   */
  private void ensureTableHas(String path, StructType wanted, List<ColumnSpec> columns) {
    if (columns(path).types.keySet().containsAll(Arrays.asList(wanted.fieldNames()))) {
      return;
    }
    Map<String, String> sourceOf = new java.util.HashMap<>();
    columns.forEach(column -> sourceOf.put(column.name, column.source));
    StructType described = new StructType();
    for (StructField field : wanted.fields()) {
      String source = sourceOf.getOrDefault(field.name(), field.name());
      described = described.add(source.equals(field.name()) ? field : field.copy(field.name(), field.dataType(),
          field.nullable(), new MetadataBuilder().withMetadata(field.metadata())
              .putString(LakeColumnNames.SOURCE_NAME, source).build()));
    }
    org.apache.spark.sql.DataFrameWriter<Row> writer = spark.createDataFrame(java.util.List.of(), described).write()
        .format("delta").mode("append").option("mergeSchema", "true");
    if (deletionVectors && columns(path) == LakeColumns.NONE) {
      // A new table: an update of a few rows spread over it then marks them instead of rewriting every file they
      // are in (Delta writes the option as a table property when the write creates the table).
      writer = writer.option("delta.enableDeletionVectors", "true");
    }
    writer.save(path);
    tableColumns.remove(path); // read again when next needed
  }
}
