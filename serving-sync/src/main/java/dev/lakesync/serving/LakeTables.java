package dev.lakesync.serving;

import dev.lakesync.common.LakePaths;
import dev.lakesync.stream.DeltaTables;
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

  /** The table's newest version, or -1 when it does not exist yet. */
  long currentVersion(String table) {
    return DeltaTables.newestVersion(spark, path(table));
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
