package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;

import dev.lakesync.lake.DeltaCommits;
import dev.lakesync.lake.DeltaTables;
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
   * {@code partitionColumn}, unless batch {@code batchId} of {@code writer} in streaming query {@code query} is
   * there already.
   */
  static void append(SparkSession spark, Dataset<Row> rows, String path, String writer, String query, long batchId,
      String partitionColumn) {
    if (written(spark, path, writer, query, batchId)) {
      return;
    }
    rows.write().format("delta").mode("append")
        .option("userMetadata", mark(writer, query, batchId))
        .partitionBy(partitionColumn)
        .save(path);
  }

  static String mark(String writer, String query, long batchId) {
    return writer + " batch " + batchId + " of query " + query;
  }

  /**
   * Whether batch {@code batchId} (or a later one) of {@code writer} in {@code query} has been appended to the table
   * at {@code path}. Batch ids count from 0 again in a new streaming query (a checkpoint started afresh, whose id
   * differs): when the newest mark is another query's, this query has not appended the batch. A mark without a
   * query (written before marks named one) counts as this query's.
   */
  static boolean written(SparkSession spark, String path, String writer, String query, long batchId) {
    if (!DeltaTables.exists(spark, path)) {
      return false;
    }
    Optional<Mark> newest = newestMark(spark, path, writer);
    if (newest.isPresent()) {
      return (newest.get().query == null || newest.get().query.equals(query)) && newest.get().batchId >= batchId;
    }
    return !spark.read().format("delta").load(path).where(col(BATCH_ID).equalTo(batchId)).limit(1).isEmpty();
  }

  /** The batch id in the newest commit {@code writer} marked, among the newest {@link #COMMITS_READ} commits. */
  static OptionalLong newestMarkedBatch(SparkSession spark, String path, String writer) {
    return newestMark(spark, path, writer).map(mark -> OptionalLong.of(mark.batchId)).orElse(OptionalLong.empty());
  }

  private static Optional<Mark> newestMark(SparkSession spark, String path, String writer) {
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(
        java.util.regex.Pattern.quote(writer + " batch ") + "(\\d{1,19})(?: of query (\\S+))?");
    Optional<DeltaCommits.Commit> marked = DeltaCommits.newest(spark, path, COMMITS_READ,
        commitInfo -> pattern.matcher(commitInfo.path("userMetadata").asText("")).matches());
    return marked.map(commit -> {
      java.util.regex.Matcher mark = pattern.matcher(commit.info.path("userMetadata").asText());
      mark.matches();
      return new Mark(Long.parseLong(mark.group(1)), mark.group(2));
    });
  }

  /** A writer's mark on its commit: the batch id and the streaming query (null in marks from before queries). */
  private static final class Mark {
    final long batchId;
    final String query;

    Mark(long batchId, String query) {
      this.batchId = batchId;
      this.query = query;
    }
  }
}
