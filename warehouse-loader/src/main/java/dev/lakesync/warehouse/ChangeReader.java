package dev.lakesync.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakePaths;
import dev.lakesync.lake.ConsistentPoints;
import dev.lakesync.lake.DeltaTables;
import dev.lakesync.warehouse.model.ResolvedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Reads what changed in a model's validated table between two Delta versions, shaped as its staging table (the
 * model's expressions evaluated here, in Spark): the whole table at the first load (a snapshot), its Change Data Feed
 * after that. A type 2 dimension keeps every change (each may open a version); other models the newest per key.
 */
final class ChangeReader {
  private final SparkSession spark;
  private final LakePaths paths;

  ChangeReader(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /**
   * The version of each validated table to load up to: the processor's newest consistent point, so that a load never
   * holds part of a source transaction (-1 for a table that did not exist at that point).
   */
  java.util.function.ToLongFunction<String> readableVersions() {
    return ConsistentPoints.readableVersions(spark, paths);
  }

  /** The validated table's schema, or empty when the lake does not hold it yet. */
  Optional<StructType> schema(String table) {
    if (!DeltaTables.exists(spark, path(table))) {
      return Optional.empty();
    }
    return Optional.of(spark.read().format("delta").load(path(table)).schema());
  }

  /** Changes after {@code fromVersion} (exclusive; -1 for none loaded yet) up to {@code toVersion}, staged shape. */
  Dataset<Row> changes(ResolvedModel model, long fromVersion, long toVersion) {
    String table = model.declared().from();
    Dataset<Row> rows;
    if (fromVersion < 0) {
      rows = spark.read().format("delta").option("versionAsOf", toVersion).load(path(table));
    } else {
      rows = spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", fromVersion + 1).option("endingVersion", toVersion).load(path(table))
          .where("_change_type IN ('insert', 'update_postimage')");
    }
    List<Column> columns = new ArrayList<>();
    List<String> key = new ArrayList<>();
    for (ResolvedModel.Column column : model.key()) {
      columns.add(expr(model.expression(column.name())).alias(column.name()));
      key.add(column.name());
    }
    for (ResolvedModel.Column column : model.values()) {
      columns.add(expr(model.expression(column.name())).alias(column.name()));
    }
    if (model.isType2()) {
      columns.add(expr("timestamp_millis(_source_ts_ms)").alias(ResolvedModel.CHANGED_AT));
      if (model.declared().validFrom() != null) {
        columns.add(expr("CAST(" + model.declared().validFrom() + " AS TIMESTAMP)").alias(ResolvedModel.FIRST_FROM));
      }
    }
    columns.add(col("_op").alias(ResolvedModel.OP));
    columns.add(col("_source_pos").alias(ResolvedModel.POSITION));
    Dataset<Row> staged = rows.select(columns.toArray(new Column[0]));
    if (fromVersion < 0) {
      return staged; // a snapshot holds one row per key already
    }
    if (model.isType2()) {
      key.add(ResolvedModel.POSITION);
      return staged.dropDuplicates(key.toArray(new String[0]));
    }
    List<String> quoted = new ArrayList<>();
    for (String name : key) {
      quoted.add("`" + name + "`");
    }
    return staged.withColumn("_rank", expr("row_number() OVER (PARTITION BY " + String.join(", ", quoted)
        + " ORDER BY " + ResolvedModel.POSITION + " DESC)")).where("_rank = 1").drop("_rank");
  }

  private String path(String table) {
    int dot = table.indexOf('.');
    return paths.validated(table.substring(0, dot), table.substring(dot + 1));
  }
}
