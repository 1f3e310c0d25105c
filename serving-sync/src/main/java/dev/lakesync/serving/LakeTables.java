package dev.lakesync.serving;

import dev.lakesync.common.LakePaths;
import dev.lakesync.lake.ConsistentPoints;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The validated tables documents are built from, read at fixed Delta versions so that one sync sees one state. */
final class LakeTables {
  private final SparkSession spark;
  private final LakePaths paths;

  LakeTables(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /**
   * The version of each validated table to build documents from: the processor's newest consistent point, so that
   * no document holds part of a source transaction (-1 for a table that did not exist at that point).
   */
  java.util.function.ToLongFunction<String> readableVersions() {
    return ConsistentPoints.readableVersions(spark, paths);
  }

  /** Every row at {@code version}, tombstones (_op = 'd') included. */
  Dataset<Row> at(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path(table));
  }

  /** The Change Data Feed after {@code fromVersion} up to {@code toVersion}: pre- and post-images, deletes. */
  Dataset<Row> changes(String table, long fromVersion, long toVersion) {
    return spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", fromVersion + 1).option("endingVersion", toVersion).load(path(table));
  }

  private String path(String table) {
    int dot = table.indexOf('.');
    return paths.validated(table.substring(0, dot), table.substring(dot + 1));
  }
}
