package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import java.io.PrintStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What happens to one micro-batch: land every record, then per table parse, quarantine what cannot be applied and
 * MERGE the rest. Prints one line of accounting: landed = applied + superseded + quarantined + dropped + unknown.
 */
final class BatchHandler {
  private final PipelineConfig config;
  private final PrintStream out;
  private final LandingWriter landing;
  private final QuarantineWriter quarantine;
  private final ValidatedWriter validated;

  BatchHandler(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.config = config;
    this.out = out;
    LakePaths paths = new LakePaths(config.lake().root());
    this.landing = new LandingWriter(config);
    this.quarantine = new QuarantineWriter(paths);
    this.validated = new ValidatedWriter(spark, paths);
    spark.udf().register(SourcePositionUdf.NAME, new SourcePositionUdf(), org.apache.spark.sql.types.DataTypes.StringType);
  }

  void handle(Dataset<Row> batch, long batchId) {
    long started = System.nanoTime();
    Dataset<Row> tagged = landing.withTable(batch).persist();
    try {
      long landed = landing.write(tagged, batchId);
      long unknown = tagged.filter(col(LandingWriter.TABLE).equalTo(LandingWriter.UNKNOWN_TABLE)).count();
      long applied = 0;
      long quarantined = 0;
      long dropped = 0;
      for (TableConfig table : config.tables()) {
        Dataset<Row> records = tagged.filter(col(LandingWriter.TABLE).equalTo(table.table()));
        if (records.isEmpty()) {
          continue;
        }
        TableBatch parsed = TableBatch.parse(table, records);
        Dataset<Row> rows = parsed.rows.persist();
        try {
          quarantined += quarantine.write(table.table(), rows, batchId);
          dropped += rows.where(TableBatch.DROPPED).count();
          if (!parsed.columns.isEmpty()) { // without a readable schema every record was quarantined
            applied += validated.merge(new TableBatch.Parsed(parsed, rows).batch());
          }
        } finally {
          rows.unpersist();
        }
      }
      long superseded = landed - unknown - applied - quarantined - dropped;
      out.printf("process: batch %d landed=%d applied=%d superseded=%d quarantined=%d dropped=%d unknown_table=%d in %d ms%n",
          batchId, landed, applied, superseded, quarantined, dropped, unknown, (System.nanoTime() - started) / 1_000_000);
      out.flush();
    } finally {
      tagged.unpersist();
    }
  }
}
