package dev.lakesync.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.stream.StreamProcessor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * {@code bench process --table-rows N}: does an update batch cost more as the validated table grows? A table of
 * {@code rows} rows with deletion vectors (one row created by the processor, the rest appended in its schema, a
 * million rows per file as after compaction), then two batches of {@link #UPDATES} updates to random existing keys through the processor: the first
 * warms up, the second is measured (its batch time and what its MERGE wrote and removed).
 */
final class TableGrowth {
  static final int UPDATES = 5_000;
  private static final long ROWS_PER_FILE = 1_000_000;

  /** One size's measured batch. */
  static final class Result {
    final long rows;
    final long batchMs;
    final long bytesWritten;
    final long bytesRemoved;
    final long deletionVectors;

    Result(long rows, long batchMs, long bytesWritten, long bytesRemoved, long deletionVectors) {
      this.rows = rows;
      this.batchMs = batchMs;
      this.bytesWritten = bytesWritten;
      this.bytesRemoved = bytesRemoved;
      this.deletionVectors = deletionVectors;
    }
  }

  private final SparkSession spark;
  private final PrintStream out;
  private final Path mainConfig;
  private final Path work;

  /** {@code mainConfig}: the benchmark's pipeline file, whose broker and table this reuses with its own lake and topics. */
  TableGrowth(SparkSession spark, PrintStream out, Path mainConfig, Path work) {
    this.spark = spark;
    this.out = out;
    this.mainConfig = mainConfig;
    this.work = work;
  }

  Result measure(long rows) throws Exception {
    String prefix = "grow" + rows;
    Path lake = work.resolve(prefix);
    // Its own lake and topics; no compaction, which would rewrite the whole table in the middle of the measurement;
    // deletion vectors, the setting for large tables whose updates spread over many files.
    String text = Files.readString(mainConfig, StandardCharsets.UTF_8)
        .replace("topicPrefix: bench", "topicPrefix: " + prefix)
        .replaceFirst("lake: \\{root: [^}]*}", "lake: {root: " + lake + ", optimizeInterval: 0s, deletionVectors: true}")
        .replaceFirst("workDir: .*", "workDir: " + lake.resolve("work"));
    Path configFile = work.resolve(prefix + ".yaml");
    Files.writeString(configFile, text, StandardCharsets.UTF_8);
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(configFile);
    String bootstrap = config.broker().bootstrapServersString();
    String topic = config.broker().topicFor("bench", "events");
    String markers = config.broker().transactionTopic();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", (Object) bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(markers, 1, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer = ProcessBenchmark.producer(bootstrap)) {
      ProcessBenchmark.send(producer, topic, markers, "c", 1, 0, System.currentTimeMillis());
      producer.flush();
    }
    process(config);
    String validated = new LakePaths(config.lake().root()).validated("bench", "events");
    long started = System.nanoTime();
    appendRows(validated, rows);
    out.printf("bench process: a validated table of %d rows written in %.1f s; two batches of %d updates to random "
        + "keys...%n", rows, (System.nanoTime() - started) / 1e9, UPDATES);
    Random random = new Random(rows);
    for (int batch = 0; batch < 2; batch++) {
      try (KafkaProducer<String, String> producer = ProcessBenchmark.producer(bootstrap)) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < UPDATES; i++) {
          long id = 1 + (long) (random.nextDouble() * rows);
          ProcessBenchmark.send(producer, topic, markers, "u", id, 1 + (long) batch * UPDATES + i, now);
        }
        producer.flush();
      }
      process(config);
    }
    Path batches = Path.of(new LakePaths(config.lake().root()).state(LakePaths.PROCESSOR), "batches");
    long batchMs = ProcessBenchmark.JSON.readTree(batches.resolve(String.format("batch-%020d.json", 2L)).toFile())
        .path("duration_ms").asLong();
    com.fasterxml.jackson.databind.JsonNode metrics = ProcessBenchmark.JSON.readTree(
        io.delta.tables.DeltaTable.forPath(spark, validated).history(1).selectExpr("to_json(operationMetrics)")
            .first().getString(0));
    Result result = new Result(rows, batchMs, metrics.path("numTargetBytesAdded").asLong(),
        metrics.path("numTargetBytesRemoved").asLong(), metrics.path("numTargetDeletionVectorsAdded").asLong());
    out.printf("bench process: %d updates into %d rows: batch %d ms, MERGE wrote %d bytes, removed %d bytes, added %d "
        + "deletion vectors (%s)%n", UPDATES, rows, result.batchMs, result.bytesWritten, result.bytesRemoved,
        result.deletionVectors, metrics);
    return result;
  }

  private void process(PipelineConfig config) throws Exception {
    new StreamProcessor(config, spark, out).run(true, Duration.ofSeconds(1), 0);
  }

  /** Rows 2..rows in the table's own schema and column order, all at the first row's source position. */
  private void appendRows(String validated, long rows) {
    Dataset<Row> table = spark.read().format("delta").load(validated);
    Row first = table.first();
    Dataset<Row> generated = spark.range(2, rows + 1, 1, (int) Math.max(1, (rows + ROWS_PER_FILE - 1) / ROWS_PER_FILE))
        .selectExpr("id", "id % 1000 AS account", "(id % 100000) / 100 AS amount", "concat('row ', id) AS note",
            "timestamp_millis(1767225600000 + id) AS created_at", "'c' AS _op", "current_timestamp() AS _ingested_at")
        .withColumn("_source_ts_ms", lit(first.getAs("_source_ts_ms")))
        .withColumn("_source_pos", lit(first.getAs("_source_pos")));
    List<Column> columns = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      columns.add(col(field.name()).cast(field.dataType()).alias(field.name()));
    }
    generated.select(columns.toArray(new Column[0])).write().format("delta").mode("append").save(validated);
  }
}
