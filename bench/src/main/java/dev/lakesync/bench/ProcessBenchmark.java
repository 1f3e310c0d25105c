package dev.lakesync.bench;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.stream.StreamProcessor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakesync bench process}: the stream-processor against the embedded broker (its own JVM), real Spark and
 * Delta tables on disk. (1) Catch-up: a topic pre-filled with changes over repeating keys (inserts, updates,
 * deletes), processed available-now; throughput = changes / processing time; then as many updates of the live keys,
 * processed available-now in the same JVM (warm: its code compiled). (2) Steady state: changes produced at
 * a fixed rate with their event time = send time while the job runs continuously; latency per applied change =
 * the Delta commit time of the validated table version that made it visible (Change Data Feed) - event time.
 */
public final class ProcessBenchmark {
  private static final String TOPIC = "bench.bench.events";
  /** The transaction markers' topic of topic prefix "bench": each change is its own transaction, closed by an END. */
  private static final String TRANSACTION_TOPIC = "bench.transaction";
  /** The recipe's steady-state changes: a topic of their own, so that it does not first read the processor's. */
  private static final String RECIPE_STEADY_TOPIC = "bench.recipe-steady";
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final Path home;
  private final PrintStream out;
  private final boolean quick;
  private final long tableRows;

  /** {@code tableRows}: the larger table of the growth measurement ({@link TableGrowth}), 0 for none. */
  ProcessBenchmark(Path home, PrintStream out, boolean quick, long tableRows) {
    this.home = home;
    this.out = out;
    this.quick = quick;
    this.tableRows = tableRows;
  }

  public static void main(String[] args) throws Exception {
    Commands.BenchProcess command = new Commands.BenchProcess();
    BenchMain.main(command, parsed -> parsed.quick.quick, args,
        (home, out, quick) -> new ProcessBenchmark(home, out, quick, command.tableRows).run());
  }

  int run() throws Exception {
    int changes = quick ? 50_000 : 500_000;
    int keys = changes / 5;
    int steadyRate = 1_000;
    Duration steadyFor = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30);
    Path work = Files.createTempDirectory("lakesync-bench-process-");
    out.printf("bench process: %s run, %d changes over %d keys catch-up, then %d changes/s for %d s (work in %s)%n",
        quick ? "quick" : "full", changes, keys, steadyRate, steadyFor.toSeconds(), work);
    Path configFile = writeConfig(work);
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(configFile);
    try (BenchStack stack = BenchStack.start(home, configFile, work.resolve("stack.log"))) {
      String bootstrap = config.broker().bootstrapServersString();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", (Object) bootstrap))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic(TRANSACTION_TOPIC, 1, (short) 1),
                new NewTopic(RECIPE_STEADY_TOPIC, 2, (short) 1)))
            .all().get(30, TimeUnit.SECONDS);
      }
      long produceStarted = System.nanoTime();
      long expectedRows = prefill(bootstrap, changes, keys);
      out.printf("bench process: %d changes on the topic in %.1f s; processing (available-now)...%n", changes,
          (System.nanoTime() - produceStarted) / 1e9);

      SparkSession spark = SparkSessions.create(config, "lakesync-bench-process");
      try {
        String validated = new LakePaths(config.lake().root()).validated("bench", "events");
        double throughput = catchUp(spark, config, validated, 0, changes, "catch-up " + changes + " changes", expectedRows);
        // The same topic through Delta's foreachBatch recipe and through a read-and-parse-only pass, each in a JVM of
        // its own started as this one was.
        Recipe baseline = recipe(bootstrap, work, "merge");
        Recipe floor = recipe(bootstrap, work, "floor");
        out.printf("bench process: the recipe in %.1f s = %.0f changes/s (%d live rows, expected %d); read and parse "
            + "only in %.1f s = %.0f changes/s%n", baseline.seconds, changes / baseline.seconds, baseline.rows,
            expectedRows, floor.seconds, changes / floor.seconds);
        if (baseline.rows != expectedRows) {
          out.println("bench process: the recipe's table does not hold the expected rows");
          return 1;
        }
        double warmThroughput = -1;
        if (throughput >= 0) {
          // The same catch-up again in this JVM (a running processor that fell behind): the first one also paid for
          // the JIT compiling the whole path and Spark generating its code, on the same two cores.
          refill(bootstrap, changes, changes, keys);
          warmThroughput = catchUp(spark, config, validated, 1, changes,
              "catch-up in the same JVM, " + changes + " more changes", expectedRows);
        }
        if (warmThroughput < 0) {
          out.println("bench process: the validated table does not hold the expected rows");
          return 1;
        }

        out.printf("bench process: steady state at %d changes/s for %d s...%n", steadyRate, steadyFor.toSeconds());
        long versionBefore = io.delta.tables.DeltaTable.forPath(spark, validated).history(1).first().getLong(0);
        Path batches = batchFiles(config);
        long appliedBefore = appliedSoFar(batches);
        int batchesBefore = batchCount(batches);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread job = new Thread(() -> {
          try {
            new StreamProcessor(config, spark, out).run(false, Duration.ofMillis(500), 0);
          } catch (Throwable e) {
            failure.set(e);
          }
        }, "bench-stream-processor");
        job.setDaemon(true);
        job.start();
        long firstId = keys + 1_000_000L;
        long sent = steadyProduce(bootstrap, TOPIC, firstId, 2L * changes, steadyRate, steadyFor);
        // Wait until the batches' metrics account for every steady change (reading files, not the table, so as not
        // to compete with the job for the two cores), then stop the query.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && failure.get() == null && appliedSoFar(batches) - appliedBefore < sent) {
          Thread.sleep(200);
        }
        spark.streams().active()[0].stop();
        job.join(60_000);
        if (failure.get() != null && !(failure.get() instanceof java.util.concurrent.TimeoutException)) {
          throw new IllegalStateException("the stream-processor failed: " + failure.get().getMessage(), failure.get());
        }
        List<Long> latencies = new ArrayList<>();
        for (Row row : spark.read().format("delta").option("readChangeFeed", "true")
            .option("startingVersion", versionBefore + 1).load(validated)
            .where("_change_type IN ('insert', 'update_postimage') AND id >= " + firstId)
            .selectExpr("cast(unix_millis(_commit_timestamp) - _source_ts_ms AS long)").collectAsList()) {
          latencies.add(row.getLong(0));
        }
        Collections.sort(latencies);
        out.printf("bench process: steady batches, mean ms: %s; validated table commits by operation: %s%n",
            meanPhases(batches, batchesBefore), operations(spark, validated, versionBefore));
        out.printf("bench process: the recipe's steady state at %d changes/s for %d s...%n", steadyRate,
            steadyFor.toSeconds());
        List<Long> baselineLatencies = recipeSteady(spark, bootstrap, work, firstId, 3L * changes, steadyRate, steadyFor);
        double baselineThroughput = changes / baseline.seconds;
        String growth = "";
        if (tableRows >= 10) {
          TableGrowth tables = new TableGrowth(spark, out, configFile, work);
          TableGrowth.Result small = tables.measure(tableRows / 10);
          TableGrowth.Result large = tables.measure(tableRows);
          growth = String.format(Locale.ROOT, " table_rows_small=%d table_rows_large=%d update_batch_small_ms=%d "
              + "update_batch_large_ms=%d growth_ratio=%.2f written_bytes_small=%d written_bytes_large=%d",
              small.rows, large.rows, small.batchMs, large.batchMs, (double) large.batchMs / Math.max(1, small.batchMs),
              small.bytesWritten, large.bytesWritten);
        }
        out.printf(Locale.ROOT, "bench process: changes=%d throughput_per_s=%.0f warm_throughput_per_s=%.0f "
            + "steady_changes=%d steady_rate_per_s=%d p50_ms=%d p99_ms=%d baseline_throughput_per_s=%.0f ratio=%.2f "
            + "floor_throughput_per_s=%.0f floor_ratio=%.2f baseline_p50_ms=%d baseline_p99_ms=%d p99_ratio=%.2f%s%n",
            changes, throughput, warmThroughput, latencies.size(), steadyRate, percentile(latencies, 0.50),
            percentile(latencies, 0.99), baselineThroughput, throughput / baselineThroughput, changes / floor.seconds,
            throughput / (changes / floor.seconds), percentile(baselineLatencies, 0.50),
            percentile(baselineLatencies, 0.99),
            (double) percentile(latencies, 0.99) / Math.max(1, percentile(baselineLatencies, 0.99)), growth);
        return latencies.size() == sent && baselineLatencies.size() == sent ? 0 : 1;
      } finally {
        spark.stop();
      }
    } finally {
      BenchMain.deleteRecursively(work);
    }
  }

  /**
   * Runs the stage available-now over the {@code changes} the topic holds unread (one batch, {@code batchId}) and
   * prints a line on it; returns its changes/s, or -1 when the validated table then holds other than {@code expectedRows} live rows.
   */
  private double catchUp(SparkSession spark, PipelineConfig config, String validated, long batchId, int changes,
      String what, long expectedRows) throws Exception {
    long started = System.nanoTime();
    new StreamProcessor(config, spark, out).run(true, Duration.ofSeconds(1), 0);
    double seconds = (System.nanoTime() - started) / 1e9;
    long rows = spark.read().format("delta").load(validated).where("_op <> 'd'").count();
    out.printf("bench process: %s in %.1f s = %.0f changes/s; %d live rows (expected %d); time per phase, ms: %s%n",
        what, seconds, changes / seconds, rows, expectedRows,
        JSON.readTree(batchFiles(config).resolve(String.format("batch-%020d.json", batchId)).toFile()).path("phases_ms"));
    return rows == expectedRows ? changes / seconds : -1;
  }

  private static final java.util.regex.Pattern RECIPE_LINE =
      java.util.regex.Pattern.compile("^recipe: mode=\\w+ seconds=([0-9.]+) rows=(-?\\d+)");

  /** What a recipe run printed: its seconds from query start to end and its table's live rows. */
  private static final class Recipe {
    final double seconds;
    final long rows;

    Recipe(double seconds, long rows) {
      this.seconds = seconds;
      this.rows = rows;
    }
  }

  /** Starts {@link DeltaRecipe} in a new JVM with this JVM's options and classpath; its output goes to {@code log}. */
  private static Process startRecipe(String bootstrap, String topic, Path table, Path work, String mode, Path log)
      throws IOException {
    java.util.List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DeltaRecipe.class.getName(), bootstrap, topic,
        table.toString(), work.resolve("recipe-" + mode + "-checkpoint").toString(), "4", mode));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Runs {@link DeltaRecipe} available-now over the topic. */
  private Recipe recipe(String bootstrap, Path work, String mode) throws Exception {
    Path log = work.resolve("recipe-" + mode + ".log");
    Process process = startRecipe(bootstrap, TOPIC, work.resolve("recipe-" + mode), work, mode, log);
    if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("the recipe (" + mode + ") failed; its log: " + log);
    }
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      java.util.regex.Matcher matcher = RECIPE_LINE.matcher(line);
      if (matcher.find()) {
        return new Recipe(Double.parseDouble(matcher.group(1)), Long.parseLong(matcher.group(2)));
      }
    }
    throw new IllegalStateException("the recipe (" + mode + ") printed no result; its log: " + log);
  }

  private static final java.util.regex.Pattern PROGRESS_LINE =
      java.util.regex.Pattern.compile("^recipe: progress rows=(\\d+)", java.util.regex.Pattern.MULTILINE);

  /**
   * The recipe running continuously on the table its catch-up left, while new rows arrive at {@code rate}: returns
   * each row's latency (the commit time of the table version that added its file minus its event time), sorted.
   */
  private List<Long> recipeSteady(SparkSession spark, String bootstrap, Path work, long firstId, long firstSequence,
      int rate, Duration duration) throws Exception {
    Path table = work.resolve("recipe-merge");
    long versionBefore = io.delta.tables.DeltaTable.forPath(spark, table.toString()).history(1).first().getLong(0);
    Path log = work.resolve("recipe-steady.log");
    Process process = startRecipe(bootstrap, RECIPE_STEADY_TOPIC, table, work, "steady", log);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (!Files.readString(log, StandardCharsets.UTF_8).contains("recipe: started")) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("the recipe (steady) did not start; its log: " + log);
        }
        Thread.sleep(200);
      }
      // Warm, as the processor is by then: a second of changes (new keys below the measured ones) through its first
      // batches before the measured changes start.
      long warmUp = steadyProduce(bootstrap, RECIPE_STEADY_TOPIC, firstId - rate, firstSequence, rate, Duration.ofSeconds(1));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline && process.isAlive() && recipeRowsSoFar(log) < warmUp) {
        Thread.sleep(200);
      }
      long sent = steadyProduce(bootstrap, RECIPE_STEADY_TOPIC, firstId, firstSequence + warmUp, rate, duration);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline && process.isAlive() && recipeRowsSoFar(log) < warmUp + sent) {
        Thread.sleep(200);
      }
    } finally {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    Map<String, Long> fileCommitMillis = addedFileCommitMillis(spark, table, versionBefore);
    List<Long> latencies = new ArrayList<>();
    for (Row row : spark.read().format("delta").load(table.toString()).where("id >= " + firstId)
        .selectExpr("_metadata.file_name", "unix_millis(created_at)").collectAsList()) {
      Long committed = fileCommitMillis.get(row.getString(0));
      if (committed != null) {
        latencies.add(committed - row.getLong(1));
      }
    }
    Collections.sort(latencies);
    return latencies;
  }

  private static long recipeRowsSoFar(Path log) throws IOException {
    long rows = 0;
    java.util.regex.Matcher matcher = PROGRESS_LINE.matcher(Files.readString(log, StandardCharsets.UTF_8));
    while (matcher.find()) {
      rows += Long.parseLong(matcher.group(1));
    }
    return rows;
  }

  /** The file name of each data file added after {@code version}, with the commit time of the version adding it. */
  private static Map<String, Long> addedFileCommitMillis(SparkSession spark, Path table, long version) throws IOException {
    Map<Long, Long> commitMillis = new java.util.HashMap<>();
    for (Row row : io.delta.tables.DeltaTable.forPath(spark, table.toString()).history().where("version > " + version)
        .selectExpr("version", "unix_millis(timestamp)").collectAsList()) {
      commitMillis.put(row.getLong(0), row.getLong(1));
    }
    Map<String, Long> files = new java.util.HashMap<>();
    for (Map.Entry<Long, Long> commit : commitMillis.entrySet()) {
      Path entry = table.resolve("_delta_log").resolve(String.format("%020d.json", commit.getKey()));
      for (String line : Files.readAllLines(entry, StandardCharsets.UTF_8)) {
        com.fasterxml.jackson.databind.JsonNode add = JSON.readTree(line).path("add");
        if (!add.isMissingNode()) {
          String path = java.net.URLDecoder.decode(add.path("path").asText(), StandardCharsets.UTF_8);
          files.put(path.substring(path.lastIndexOf('/') + 1), commit.getValue());
        }
      }
    }
    return files;
  }

  /** How many commits of each operation (MERGE, WRITE, OPTIMIZE) the table has after {@code version}. */
  private static Map<String, Long> operations(SparkSession spark, String path, long version) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (Row row : io.delta.tables.DeltaTable.forPath(spark, path).history().where("version > " + version)
        .groupBy("operation").count().collectAsList()) {
      counts.put(row.getString(0), row.getLong(1));
    }
    return counts;
  }

  private static Path batchFiles(PipelineConfig config) {
    return Path.of(new LakePaths(config.lake().root()).state(LakePaths.PROCESSOR), "batches");
  }

  private static int batchCount(Path batches) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.list(batches)) {
      return (int) files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
    }
  }

  /**
   * The mean duration and time per phase of the batches after the first {@code skip} (file names sort by batch id):
   * where a steady-state batch spends its time.
   */
  private static Map<String, Long> meanPhases(Path batches, int skip) throws IOException {
    Map<String, Long> sums = new java.util.TreeMap<>();
    int count = 0;
    try (java.util.stream.Stream<Path> files = Files.list(batches)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted()
          .skip(skip)::iterator) {
        com.fasterxml.jackson.databind.JsonNode batch = JSON.readTree(file.toFile());
        sums.merge("duration", batch.path("duration_ms").asLong(), Long::sum);
        batch.path("phases_ms").fields().forEachRemaining(e -> sums.merge(e.getKey(), e.getValue().asLong(), Long::sum));
        count++;
      }
    }
    int batchesSeen = Math.max(1, count);
    sums.replaceAll((name, sum) -> sum / batchesSeen);
    sums.put("batches", (long) count);
    return sums;
  }

  /** The sum of {@code applied} over the batch metrics files so far. */
  private static long appliedSoFar(Path batches) throws IOException {
    if (!Files.isDirectory(batches)) {
      return 0;
    }
    long applied = 0;
    try (java.util.stream.Stream<Path> files = Files.list(batches)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".json"))::iterator) {
        applied += JSON.readTree(file.toFile()).path("applied").asLong();
      }
    }
    return applied;
  }

  /**
   * Produces {@code changes} events over {@code keys} ids: each key is created, updated three times and, for every
   * tenth key, deleted; the rest of the changes are updates. Returns the live rows expected afterwards.
   */
  private static long prefill(String bootstrap, int changes, int keys) {
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, String> producer = producer(bootstrap)) {
      long sequence = 0;
      long deleted = 0;
      for (int round = 0; sequence < changes; round++) {
        for (long id = 1; id <= keys && sequence < changes; id++) {
          String op;
          if (round == 0) {
            op = "c";
          } else if (round == 4 && id % 10 == 0) {
            op = "d";
          } else if (round > 4 && id % 10 == 0) {
            continue; // deleted rows stay deleted
          } else {
            op = "u";
          }
          if (op.equals("d")) {
            deleted++;
          }
          send(producer, TOPIC, op, id, sequence++, now);
        }
      }
      producer.flush();
      return keys - deleted;
    }
  }

  /**
   * Produces {@code changes} updates of the keys the prefill left live (every tenth key is deleted), after the
   * prefill's {@code firstSequence} changes: the live rows stay as they were.
   */
  private static void refill(String bootstrap, long firstSequence, int changes, int keys) {
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, String> producer = producer(bootstrap)) {
      long sent = 0;
      for (long id = 1; sent < changes; id = id % keys + 1) {
        if (id % 10 != 0) {
          send(producer, TOPIC, "u", id, firstSequence + sent, now);
          sent++;
        }
      }
      producer.flush();
    }
  }

  /** Inserts new rows at {@code rate} per second, ten every 10 ms, each with event time = send time. */
  private static long steadyProduce(String bootstrap, String topic, long firstId, long firstSequence, int rate,
      Duration duration) throws InterruptedException {
    try (KafkaProducer<String, String> producer = producer(bootstrap)) {
      int perTick = Math.max(1, rate / 100);
      long start = System.nanoTime();
      long sent = 0;
      for (long tick = 0; System.nanoTime() - start < duration.toNanos(); tick++) {
        long wait = start + tick * 10_000_000L - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        for (int i = 0; i < perTick; i++) {
          send(producer, topic, "c", firstId + sent, firstSequence + sent, System.currentTimeMillis());
          sent++;
        }
      }
      producer.flush();
      return sent;
    }
  }

  private static void send(KafkaProducer<String, String> producer, String topic, String op, long id, long sequence,
      long tsMs) {
    send(producer, topic, topic.equals(TOPIC) ? TRANSACTION_TOPIC : null, op, id, sequence, tsMs);
  }

  /** Sends one change to {@code topic}, and its transaction's END marker to {@code markers} unless null, as capture does. */
  static void send(KafkaProducer<String, String> producer, String topic, String markers, String op, long id,
      long sequence, long tsMs) {
    ProducerRecord<String, String> record = new ProducerRecord<>(topic, SyntheticEvents.key(id),
        SyntheticEvents.event(op, id, sequence, tsMs));
    record.headers().add(new RecordHeader("lakesync.table", SyntheticEvents.TABLE.getBytes(StandardCharsets.UTF_8)));
    record.headers().add(new RecordHeader("lakesync.op", op.getBytes(StandardCharsets.UTF_8)));
    producer.send(record);
    if (markers == null) {
      return;
    }
    ProducerRecord<String, String> end = new ProducerRecord<>(markers, null, SyntheticEvents.end(sequence));
    end.headers().add(new RecordHeader("lakesync.table", "_transaction".getBytes(StandardCharsets.UTF_8)));
    end.headers().add(new RecordHeader("lakesync.op", "END".getBytes(StandardCharsets.UTF_8)));
    producer.send(end);
  }

  static KafkaProducer<String, String> producer(String bootstrap) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("linger.ms", "5");
    props.put("batch.size", String.valueOf(512 * 1024));
    props.put("compression.type", "lz4");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private Path writeConfig(Path work) throws IOException {
    Path config = work.resolve("pipeline.yaml");
    Files.writeString(config, String.join("\n",
        "name: bench",
        "workDir: " + work.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + BenchMain.freePort() + ", database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:" + BenchMain.freePort() + "', topicPrefix: bench}",
        "lake: {root: " + work.resolve("lake") + "}",
        "tables: [{name: " + SyntheticEvents.TABLE + ", key: [id], rules: [{name: amount_nonnegative, expr: 'amount >= 0'}]}]",
        "localStack: {kafkaControllerPort: " + BenchMain.freePort() + ", customers: 10, accountsPerCustomer: 1, payments: 10}",
        ""), StandardCharsets.UTF_8);
    return config;
  }

  private static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }
}
