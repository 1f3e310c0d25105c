package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.expr;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.TableConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Appends records that cannot be applied to {@code quarantine/<schema>/<table>}: the raw record, its reasons, the batch
 * id.
 */
final class QuarantineWriter {
  private final LakePaths paths;

  QuarantineWriter(LakePaths paths) {
    this.paths = paths;
  }

  /**
   * Writes the {@code records} that {@code rows} (their parse) gives reasons for; call only when there are some.
   * Idempotent per batch ({@link BatchAppends}).
   */
  void write(SparkSession spark, TableConfig table, Dataset<Row> records, Dataset<Row> rows, String query,
      long batchId) {
    // The parsed rows carry the reasons; the raw key and value come from the batch's records.
    Dataset<Row> reasons = rows.where("size(" + TableBatch.REASONS + ") > 0")
        .select(col(TableBatch.TOPIC).alias("topic"), col(TableBatch.PARTITION).alias("partition"),
            col(TableBatch.OFFSET).alias("offset"), col(TableBatch.REASONS));
    Dataset<Row> quarantined = records.join(reasons,
            scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("topic", "partition", "offset")).toSeq())
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("timestamp"),
            col(TableBatch.REASONS).alias("reasons"), expr("array_join(" + TableBatch.REASONS + ", '; ')").alias("error"),
            BatchConstants.batchId(batchId).alias(BatchAppends.BATCH_ID), current_date().alias("_ingest_date"));
    BatchAppends.append(spark, quarantined, paths.quarantine(table.schema(), table.table()),
        "lakesync-quarantine-" + table.qualifiedName(), query, batchId,
        "_ingest_date");
  }
}
