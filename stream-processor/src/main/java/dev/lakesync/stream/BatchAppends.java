package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Appends a micro-batch's rows to a Delta table at most once per batch id: a replayed batch (a crash after the append,
 * before Spark recorded the batch as done) finds its append and skips it.
 *
 * <p>Not Delta's {@code txnAppId}/{@code txnVersion}: Delta 3.3 answers that check from a full reconstruction of the
 * table's state (a Spark job over checkpoint and log) on every append, seen in stack samples as half of a landing
 * append's time. Instead each append records its writer and batch id in its commit's {@code userMetadata}, and the
 * check reads the newest commit files of the table's log: one small file when the newest commit is the writer's last
 * append, as it is for the landing and quarantine tables, which only this job writes. When none of the newest commits
 * carries a mark (a table written before marks, or a log cleaned up), the table itself is asked for rows of the batch:
 * every row these appends write carries {@link #BATCH_ID}.
 */
final class BatchAppends {
  /** The column holding the id of the batch that appended the row. */
  static final String BATCH_ID = "_batch_id";
  /** How many of the newest commits are read for the writer's mark before asking the table. */
  private static final int COMMITS_READ = 50;

  private BatchAppends() {
  }

  /**
   * Appends {@code rows} (which carry {@link #BATCH_ID}) to the Delta table at {@code path}, partitioned by
   * {@code partitionColumn}, unless batch {@code batchId} of {@code writer} is there already.
   */
  static void append(SparkSession spark, Dataset<Row> rows, String path, String writer, long batchId,
      String partitionColumn) {
    if (written(spark, path, writer, batchId)) {
      return;
    }
    rows.write().format("delta").mode("append")
        .option("userMetadata", mark(writer, batchId))
        .partitionBy(partitionColumn)
        .save(path);
  }

  static String mark(String writer, long batchId) {
    return writer + " batch " + batchId;
  }

  /** Whether batch {@code batchId} of {@code writer} (or a later one) has been appended to the table at {@code path}. */
  static boolean written(SparkSession spark, String path, String writer, long batchId) {
    if (!DeltaTables.exists(spark, path)) {
      return false;
    }
    OptionalLong newest = newestMarkedBatch(spark, path, writer);
    if (newest.isPresent()) {
      return newest.getAsLong() >= batchId;
    }
    return !spark.read().format("delta").load(path).where(col(BATCH_ID).equalTo(batchId)).limit(1).isEmpty();
  }

  /** The batch id in the newest commit {@code writer} marked, among the newest {@link #COMMITS_READ} commits. */
  static OptionalLong newestMarkedBatch(SparkSession spark, String path, String writer) {
    String prefix = writer + " batch ";
    Optional<DeltaCommits.Commit> marked = DeltaCommits.newest(spark, path, COMMITS_READ, commitInfo -> {
      String text = commitInfo.path("userMetadata").asText("");
      return text.startsWith(prefix) && text.substring(prefix.length()).matches("\\d{1,19}");
    });
    return marked.map(commit -> OptionalLong.of(
        Long.parseLong(commit.info.path("userMetadata").asText().substring(prefix.length())))).orElse(OptionalLong.empty());
  }
}
