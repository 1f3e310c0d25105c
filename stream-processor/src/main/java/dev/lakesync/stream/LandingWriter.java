package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The landing zone: every Kafka record of a micro-batch, exactly as received (key, value, topic, partition, offset,
 * timestamp, headers), appended to {@code landing/<schema>/<table>} partitioned by ingest date. Records whose table is not
 * configured land in {@code landing/_unknown}, transaction markers in {@code landing/_transactions}: nothing is
 * dropped before this point. A replayed batch is not appended
 * twice ({@link BatchAppends}).
 */
final class LandingWriter {
  static final String UNKNOWN_TABLE = "_unknown";
  /** {@link #TABLE} of the source's transaction markers (the capture's table header for them). */
  static final String TRANSACTION_MARKERS = "_transaction";
  /** Column added to the batch: the configured table's qualified name (schema.table), or {@link #UNKNOWN_TABLE}. */
  static final String TABLE = "_table";

  /** Landing path by the qualified names {@link #TABLE} holds. */
  private final Map<String, String> pathOfTable = new LinkedHashMap<>();

  LandingWriter(PipelineConfig config) {
    LakePaths paths = new LakePaths(config.lake().root());
    for (TableConfig table : config.tables()) {
      pathOfTable.put(table.qualifiedName(), paths.landing(table.schema(), table.table()));
    }
    pathOfTable.put(UNKNOWN_TABLE, paths.landingOfUnknownTables());
    pathOfTable.put(TRANSACTION_MARKERS, paths.landingOfTransactionMarkers());
  }

  /** The batch with {@link #TABLE}: from the lakesync.table header, which both routing modes carry. */
  Dataset<Row> withTable(Dataset<Row> batch) {
    Column header = expr("element_at(filter(headers, h -> h.key = 'lakesync.table'), 1).value").cast("string");
    Column table = lit(UNKNOWN_TABLE);
    for (String name : pathOfTable.keySet()) {
      if (!name.equals(UNKNOWN_TABLE)) {
        table = org.apache.spark.sql.functions.when(header.equalTo(name), lit(name)).otherwise(table);
      }
    }
    return batch.withColumn(TABLE, table);
  }

  /** Appends each table's records (carrying {@link #TABLE}) to its landing table. */
  void write(SparkSession spark, Dataset<Row> batch, String query, long batchId, BatchShape shape) {
    for (Map.Entry<String, String> target : pathOfTable.entrySet()) {
      String table = target.getKey();
      if (shape.count(table) == 0) {
        continue;
      }
      Dataset<Row> records = batch.filter(col(TABLE).equalTo(table))
          .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("timestamp"),
              col("headers"), BatchConstants.batchId(batchId).alias(BatchAppends.BATCH_ID),
              current_date().alias("_ingest_date"));
      BatchAppends.append(spark, records, target.getValue(), "lakesync-landing-" + table, query, batchId,
          "_ingest_date");
    }
  }
}
