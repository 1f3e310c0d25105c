package dev.lakesync.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakePaths;
import dev.lakesync.stream.DeltaTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads what changed in a validated table between two Delta versions, shaped as its staging table: the whole table
 * at the first load (a snapshot), its Change Data Feed after that. Customers keep every change (the SCD2 dimension
 * needs each version); accounts and payments keep the newest change per key.
 */
final class ChangeReader {
  private final SparkSession spark;
  private final LakePaths paths;

  ChangeReader(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /** The validated table's newest version, or -1 when it does not exist yet. */
  long currentVersion(StagedTable table) {
    return DeltaTables.newestVersion(spark, path(table));
  }

  /** Changes after {@code fromVersion} (exclusive; -1 for none loaded yet) up to {@code toVersion}, staged shape. */
  Dataset<Row> changes(StagedTable table, long fromVersion, long toVersion) {
    Dataset<Row> rows;
    if (fromVersion < 0) {
      rows = spark.read().format("delta").option("versionAsOf", toVersion).load(path(table));
    } else {
      rows = spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", fromVersion + 1).option("endingVersion", toVersion).load(path(table))
          .where("_change_type IN ('insert', 'update_postimage')");
    }
    List<Column> columns = new ArrayList<>();
    for (StagedTable.Column column : table.dataColumns()) {
      columns.add(col(column.source).alias(column.name));
    }
    if (table.stagesChangeTime) {
      columns.add(expr("timestamp_millis(_source_ts_ms)").alias(StagedTable.CHANGED_AT.name));
    }
    columns.add(col("_op").alias("op"));
    columns.add(col("_source_pos").alias("source_pos"));
    Dataset<Row> staged = rows.select(columns.toArray(new Column[0]));
    String key = table.dataColumns().get(0).name;
    if (fromVersion < 0) {
      return staged; // a snapshot holds one row per key already
    }
    if (table == StagedTable.CUSTOMER) {
      return staged.dropDuplicates(key, "source_pos");
    }
    return staged.withColumn("_rank", expr("row_number() OVER (PARTITION BY " + key + " ORDER BY source_pos DESC)"))
        .where("_rank = 1").drop("_rank");
  }

  private String path(StagedTable table) {
    return paths.validated(table.sourceSchema, table.sourceTable);
  }
}
