package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.LakePaths;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Appends records that cannot be applied to {@code quarantine/<table>}: the raw record, its reasons, the batch id. */
final class QuarantineWriter {
  private final LakePaths paths;

  QuarantineWriter(LakePaths paths) {
    this.paths = paths;
  }

  /** Writes the records with reasons; returns how many. Idempotent per batch (Delta txnVersion). */
  long write(String table, Dataset<Row> rows, long batchId) {
    Dataset<Row> quarantined = rows.where("size(" + TableBatch.REASONS + ") > 0")
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("timestamp"),
            col(TableBatch.REASONS).alias("reasons"), expr("array_join(" + TableBatch.REASONS + ", '; ')").alias("error"),
            lit(batchId).alias("_batch_id"), current_date().alias("_ingest_date"));
    long count = quarantined.count();
    if (count > 0) {
      quarantined.write().format("delta").mode("append")
          .option("txnAppId", "lakesync-quarantine-" + table).option("txnVersion", batchId)
          .partitionBy("_ingest_date").save(paths.quarantine(table));
    }
    return count;
  }
}
