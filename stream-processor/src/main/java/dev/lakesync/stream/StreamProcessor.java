package dev.lakesync.stream;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The stream-processor stage: a Spark Structured Streaming query over the pipeline's topics whose micro-batches are
 * handled in foreachBatch. This first part lands every record; validation, quarantine and the MERGE into validated
 * tables build on the same batch.
 */
public final class StreamProcessor {
  static final String STAGE = "stream-processor";

  private final PipelineConfig config;
  private final SparkSession spark;
  private final PrintStream out;

  public StreamProcessor(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.config = config;
    this.spark = spark;
    this.out = out;
  }

  /**
   * Runs the query: with {@code once}, processes what the topics hold now and returns; otherwise every
   * {@code trigger} until the query is stopped.
   */
  public void run(boolean once, Duration trigger, long maxOffsetsPerTrigger) throws TimeoutException, StreamingQueryException {
    LakePaths paths = new LakePaths(config.lake().root());
    LandingWriter landing = new LandingWriter(config);
    Dataset<Row> records = spark.readStream().format("kafka")
        .options(KafkaSourceOptions.from(config, maxOffsetsPerTrigger)).load();
    VoidFunction2<Dataset<Row>, Long> handle = (batch, batchId) -> {
      long started = System.nanoTime();
      Dataset<Row> tagged = landing.withTable(batch).persist();
      try {
        long landed = landing.write(tagged, batchId);
        out.printf("process: batch %d landed=%d in %d ms%n", batchId, landed, (System.nanoTime() - started) / 1_000_000);
        out.flush();
      } finally {
        tagged.unpersist();
      }
    };
    StreamingQuery query = records.writeStream()
        .queryName("lakesync-" + config.name())
        .option("checkpointLocation", paths.checkpoints(STAGE) + "/main")
        .trigger(once ? Trigger.AvailableNow() : Trigger.ProcessingTime(trigger.toMillis()))
        .foreachBatch(handle)
        .start();
    query.awaitTermination();
  }
}
