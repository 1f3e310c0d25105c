package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakePaths;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Appends records that cannot be applied to {@code quarantine/<table>}: the raw record, its reasons, the batch id. */
final class QuarantineWriter {
  private final LakePaths paths;

  QuarantineWriter(LakePaths paths) {
    this.paths = paths;
  }

  /**
   * Writes the {@code records} that {@code rows} (their parse) gives reasons for; call only when there are some.
   * Idempotent per batch (Delta txnVersion).
   */
  void write(String table, Dataset<Row> records, Dataset<Row> rows, long batchId) {
    // The parsed rows carry the reasons; the raw key and value come from the batch's records.
    Dataset<Row> reasons = rows.where("size(" + TableBatch.REASONS + ") > 0")
        .select(col("topic"), col("partition"), col("offset"), col(TableBatch.REASONS));
    Dataset<Row> quarantined = records.join(reasons,
            scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("topic", "partition", "offset")).toSeq())
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("timestamp"),
            col(TableBatch.REASONS).alias("reasons"), expr("array_join(" + TableBatch.REASONS + ", '; ')").alias("error"),
            BatchConstants.batchId(batchId).alias("_batch_id"), current_date().alias("_ingest_date"));
    quarantined.write().format("delta").mode("append")
        .option("txnAppId", "lakesync-quarantine-" + table).option("txnVersion", batchId)
        .partitionBy("_ingest_date").save(paths.quarantine(table));
  }
}
