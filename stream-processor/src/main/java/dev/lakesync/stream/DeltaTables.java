package dev.lakesync.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Delta table checks for the stages that read tables another process writes. */
public final class DeltaTables {
  private DeltaTables() {
  }

  /**
   * The table's newest version, or -1 when there is no table at {@code path} yet. Read from the log's listing (the
   * newest commit file always stays, whatever log cleanup removed): history(1) planned and ran a Spark job, about
   * 0.3 s per table in each pass of the batch stages.
   */
  public static long newestVersion(SparkSession spark, String path) {
    return DeltaCommits.newestVersion(spark, path);
  }

  /**
   * Whether a Delta table has its first commit at {@code path}, asked of the file system each time.
   * {@code DeltaTable.isDeltaTable} answers from the snapshot this JVM cached when it first looked: a long-running
   * reader whose first look fell between the writer creating {@code _delta_log} and its first commit would wait
   * for the table forever (DeltaTablesIT).
   */
  public static boolean exists(SparkSession spark, String path) {
    Path log = new Path(path, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(log)) {
        return false;
      }
      for (FileStatus file : fs.listStatus(log)) {
        String name = file.getPath().getName();
        if (name.endsWith(".json") || name.endsWith(".checkpoint.parquet")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at " + log + ": " + e.getMessage(), e);
    }
  }
}
