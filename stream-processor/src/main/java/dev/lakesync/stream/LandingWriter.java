package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The landing zone: every Kafka record of a micro-batch, exactly as received (key, value, topic, partition, offset,
 * timestamp, headers), appended to {@code landing/<table>} partitioned by ingest date. Records whose table is not
 * configured land in {@code landing/_unknown}: nothing is dropped before this point. A replayed batch is not appended
 * twice ({@link BatchAppends}).
 */
final class LandingWriter {
  static final String UNKNOWN_TABLE = "_unknown";
  /** Column added to the batch: the configured table's name, or {@link #UNKNOWN_TABLE}. */
  static final String TABLE = "_table";

  private final LakePaths paths;
  private final Map<String, String> tableOfTopicAndHeader = new HashMap<>();
  private final List<String> tables = new ArrayList<>();

  LandingWriter(PipelineConfig config) {
    this.paths = new LakePaths(config.lake().root());
    for (TableConfig table : config.tables()) {
      tableOfTopicAndHeader.put(table.qualifiedName(), table.table());
      tables.add(table.table());
    }
  }

  /** The batch with {@link #TABLE}: from the lakesync.table header, which both routing modes carry. */
  Dataset<Row> withTable(Dataset<Row> batch) {
    Column header = expr("element_at(filter(headers, h -> h.key = 'lakesync.table'), 1).value").cast("string");
    Column table = lit(UNKNOWN_TABLE);
    for (Map.Entry<String, String> entry : tableOfTopicAndHeader.entrySet()) {
      table = org.apache.spark.sql.functions.when(header.equalTo(entry.getKey()), lit(entry.getValue())).otherwise(table);
    }
    return batch.withColumn(TABLE, table);
  }

  /** Appends each table's records (carrying {@link #TABLE}) to its landing table. */
  void write(SparkSession spark, Dataset<Row> batch, long batchId, BatchShape shape) {
    List<String> targets = new ArrayList<>(tables);
    targets.add(UNKNOWN_TABLE);
    for (String table : targets) {
      if (shape.count(table) == 0) {
        continue;
      }
      Dataset<Row> records = batch.filter(col(TABLE).equalTo(table))
          .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("timestamp"),
              col("headers"), BatchConstants.batchId(batchId).alias(BatchAppends.BATCH_ID),
              current_date().alias("_ingest_date"));
      BatchAppends.append(spark, records, paths.landing(table), "lakesync-landing-" + table, batchId, "_ingest_date");
    }
  }
}
