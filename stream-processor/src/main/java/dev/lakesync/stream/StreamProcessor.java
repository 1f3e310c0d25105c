package dev.lakesync.stream;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The stream-processor stage: a Spark Structured Streaming query over the pipeline's topics whose micro-batches are
 * handled in foreachBatch by a {@link BatchHandler}.
 */
public final class StreamProcessor {
  static final String STAGE = LakePaths.PROCESSOR;

  /** How often the tables are looked at for a due checkpoint: a look reads one small file per table. */
  private static final Duration CHECKPOINT_LOOK_PERIOD = Duration.ofSeconds(2);

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
    run(once, trigger, maxOffsetsPerTrigger, batch -> { });
  }

  /** As {@link #run(boolean, Duration, long)}, telling {@code observer} of every batch (the stage's metrics). */
  void run(boolean once, Duration trigger, long maxOffsetsPerTrigger, Consumer<BatchMetrics> observer)
      throws TimeoutException, StreamingQueryException {
    RuleExpressions.check(config, spark);
    LakePaths paths = new LakePaths(config.lake().root());
    try (BatchHandler handler = new BatchHandler(config, spark, out, observer);
         TableMaintenance maintenance = new TableMaintenance(config, spark, out);
         LogCheckpoints checkpoints = new LogCheckpoints(config, spark, out)) {
      run(handler, maintenance, checkpoints, paths, once, trigger, maxOffsetsPerTrigger);
    }
  }

  private void run(BatchHandler handler, TableMaintenance maintenance, LogCheckpoints checkpoints, LakePaths paths,
      boolean once, Duration trigger, long maxOffsetsPerTrigger) throws TimeoutException, StreamingQueryException {
    checkpoints.takeOverFromCommits();
    Dataset<Row> records = spark.readStream().format("kafka")
        // A topic with fewer partitions than Spark has cores is still read (and parsed) in parallel.
        .option("minPartitions", String.valueOf(spark.sparkContext().defaultParallelism()))
        .options(KafkaSourceOptions.from(config, maxOffsetsPerTrigger)).load();
    VoidFunction2<Dataset<Row>, Long> handle = handler::handle;
    StreamingQuery query = records.writeStream()
        .queryName("lakesync-" + config.name())
        .option("checkpointLocation", paths.checkpoints(STAGE) + "/main")
        .trigger(once ? Trigger.AvailableNow() : Trigger.ProcessingTime(trigger.toMillis()))
        .foreachBatch(handle)
        .start();
    checkpoints.startPeriodic(CHECKPOINT_LOOK_PERIOD);
    if (!once) {
      maintenance.startPeriodic();
    }
    query.awaitTermination();
    checkpoints.checkpointDue(); // what the last batches left due, before the process ends
    if (once) {
      maintenance.optimizeDue();
    }
  }
}
