package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakePaths;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * MERGEs a table's valid changes into {@code validated/<schema>/<table>} in one Delta commit: the newest change per
 * key by {@code _source_pos}, applied only when newer than what the table holds. A delete leaves a tombstone row
 * ({@code _op = 'd'}) so that a late, older event can never bring the row back; readers skip tombstones. An unchanged
 * TOAST marker keeps the column's current value. A new nullable source column is added to the table first.
 */
final class ValidatedWriter {
  static final List<String> METADATA = List.of("_op", "_source_ts_ms", "_source_pos", "_ingested_at");

  private final SparkSession spark;
  private final LakePaths paths;

  ValidatedWriter(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /** Applies the batch; returns the number of rows inserted or updated in the table. */
  long merge(TableBatch batch) {
    List<String> columns = new ArrayList<>();
    for (ColumnSpec column : batch.columns) {
      columns.add(column.name);
    }
    List<String> all = new ArrayList<>(columns);
    all.addAll(METADATA);
    String keyList = String.join(", ", quoteAll(batch.table.key()));
    Dataset<Row> newest = batch.rows.where("size(" + TableBatch.REASONS + ") = 0 AND NOT " + TableBatch.DROPPED)
        .withColumn("_rank", expr("row_number() OVER (PARTITION BY " + keyList + " ORDER BY _source_pos DESC)"))
        .where("_rank = 1")
        .select(all.stream().map(name -> col(TableBatch.quote(name))).toArray(org.apache.spark.sql.Column[]::new));

    String path = paths.validated(batch.table.schema(), batch.table.table());
    if (!DeltaTable.isDeltaTable(spark, path)) {
      newest.limit(0).write().format("delta").save(path);
    }
    addMissingColumns(path, newest);

    Map<String, String> update = new LinkedHashMap<>();
    Map<String, String> insert = new LinkedHashMap<>();
    for (ColumnSpec column : batch.columns) {
      String source = "s." + TableBatch.quote(column.name);
      String target = "t." + TableBatch.quote(column.name);
      String value = column.text
          ? "CASE WHEN " + source + " = '" + dev.lakesync.stream.StreamProcessor.UNCHANGED_TOAST + "' THEN " + target
              + " ELSE " + source + " END"
          : source;
      // A delete keeps the row's last values next to _op = 'd'.
      update.put(TableBatch.quote(column.name), "CASE WHEN s._op = 'd' THEN " + target + " ELSE " + value + " END");
      insert.put(TableBatch.quote(column.name), source);
    }
    for (String name : METADATA) {
      update.put(name, "s." + name);
      insert.put(name, "s." + name);
    }
    StringBuilder on = new StringBuilder();
    for (String key : batch.table.key()) {
      on.append(on.length() == 0 ? "" : " AND ").append("t.").append(TableBatch.quote(key)).append(" = s.")
          .append(TableBatch.quote(key));
    }
    DeltaTable.forPath(spark, path).as("t")
        .merge(newest.as("s"), on.toString())
        .whenMatched("s._source_pos > t._source_pos").updateExpr(update)
        .whenNotMatched().insertExpr(insert)
        .execute();
    Row metrics = DeltaTable.forPath(spark, path).history(1).select("operation", "operationMetrics").first();
    if (!"MERGE".equals(metrics.getString(0))) {
      return 0;
    }
    Map<String, String> operationMetrics = metrics.getJavaMap(1);
    return Long.parseLong(operationMetrics.getOrDefault("numTargetRowsInserted", "0"))
        + Long.parseLong(operationMetrics.getOrDefault("numTargetRowsUpdated", "0"));
  }

  private void addMissingColumns(String path, Dataset<Row> newest) {
    Set<String> existing = new HashSet<>(Arrays.asList(spark.read().format("delta").load(path).columns()));
    for (StructField field : newest.schema().fields()) {
      if (!existing.contains(field.name())) {
        spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` ADD COLUMNS (" + TableBatch.quote(field.name()) + " "
            + field.dataType().sql() + ")");
      }
    }
  }

  private static List<String> quoteAll(List<String> names) {
    List<String> quoted = new ArrayList<>();
    for (String name : names) {
      quoted.add(TableBatch.quote(name));
    }
    return quoted;
  }
}
