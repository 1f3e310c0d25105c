package dev.lakesync.lake;

import org.apache.spark.sql.SparkSession;

/** Delta table checks for the stages that read tables another process writes. */
public final class DeltaTables {
  private DeltaTables() {
  }

  /**
   * The table's newest version, or -1 when there is no table at {@code path} yet. Read from the log's files (see
   * {@link DeltaCommits}): history(1) plans and runs a Spark job for each table in each pass of the batch stages.
   */
  public static long newestVersion(SparkSession spark, String path) {
    return DeltaCommits.newestVersion(spark, path);
  }

  /**
   * Whether a Delta table has its first commit at {@code path}, asked of the file system each time.
   * {@code DeltaTable.isDeltaTable} answers from the snapshot this JVM cached when it first looked: a long-running
   * reader whose first look fell between the writer creating {@code _delta_log} and its first commit would wait
   * for the table forever (DeltaTablesIT). A log always keeps its newest commit file, whatever cleanup removed.
   */
  public static boolean exists(SparkSession spark, String path) {
    return DeltaCommits.newestVersion(spark, path) >= 0;
  }
}
