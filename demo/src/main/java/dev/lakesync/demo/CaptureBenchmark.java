package dev.lakesync.demo;

import dev.lakesync.localstack.EmbeddedKafkaBroker;
import dev.lakesync.localstack.EmbeddedPostgresServer;
import dev.lakesync.localstack.PortCheck;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code lakesync bench capture}: the capture stage as its own process between the embedded PostgreSQL and broker.
 * (1) Catch-up: changes written while capture is stopped, then the time from the first to the last broker append.
 * (2) Steady state at a fixed rate: source commit time to broker append time (the topic uses LogAppendTime, so a
 * record's timestamp is when the broker accepted it) per change, as p50 and p99.
 */
public final class CaptureBenchmark {
  private static final Pattern SOURCE_TS = Pattern.compile("\"source\":\\{.*?\"ts_ms\":(\\d+)");
  private static final String TABLE = "bench.events";
  private static final String RECIPE_TABLE = "bench.recipe_events";

  private final Path home;
  private final PrintStream out;
  private final boolean quick;
  private boolean complete = true;

  public CaptureBenchmark(Path home, PrintStream out, boolean quick) {
    this.home = home;
    this.out = out;
    this.quick = quick;
  }

  /** One capture under test: lakesync's stage or the Debezium recipe, its source table and its topic. */
  private static final class Side {
    final String name;
    final String table;
    final String topic;
    final KafkaConsumer<String, String> consumer;
    final java.util.function.Function<Path, Process> start;
    Process process;

    Side(String name, String table, String topic, String bootstrap, java.util.function.Function<Path, Process> start) {
      this.name = name;
      this.table = table;
      this.topic = topic;
      this.consumer = consumer(bootstrap, topic);
      this.start = start;
    }

    void start(Path work, String suffix) {
      process = start.apply(work.resolve(name + "-" + suffix + ".log"));
    }

    void stop() throws InterruptedException {
      if (process != null) {
        CaptureBenchmark.stop(process);
        process = null;
      }
    }
  }

  public int run() throws Exception {
    int catchUpChanges = quick ? 60_000 : 300_000;
    int steadyRate = 1_000;
    Duration steadyFor = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30);
    Path work = Files.createTempDirectory("lakesync-bench-capture-");
    out.printf("bench capture: %s run, %d changes catch-up, then %d changes/s for %d s, lakesync and the Debezium "
        + "recipe (embedded engine and producer with their defaults) each on its own copy of the table (work in %s)%n",
        quick ? "quick" : "full", catchUpChanges, steadyRate, steadyFor.toSeconds(), work);
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(work.resolve("postgres"), PortCheck.findFree());
         EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"), PortCheck.findFree(), PortCheck.findFree())) {
      String bootstrap = kafka.bootstrapServers();
      try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA bench");
        for (String table : List.of(TABLE, RECIPE_TABLE)) {
          statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, account int NOT NULL, "
              + "amount numeric(14, 2) NOT NULL, note text, created_at timestamptz NOT NULL DEFAULT now())");
        }
      }
      Path config = writeConfig(work, postgres.port(), bootstrap);
      Side ours = new Side("lakesync", TABLE, "bench." + TABLE, bootstrap, log -> startCapture(config, log));
      Side recipe = new Side("recipe", RECIPE_TABLE, "recipe." + RECIPE_TABLE, bootstrap,
          log -> startRecipe(postgres.port(), bootstrap, work, log));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        List<NewTopic> topics = new ArrayList<>();
        for (Side side : List.of(ours, recipe)) {
          topics.add(new NewTopic(side.topic, 1, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")));
        }
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      }
      try {
        // First start: creates each slot and takes the (empty) snapshot; stopped again before the catch-up load.
        for (Side side : List.of(ours, recipe)) {
          side.start(work, "1");
          writeRows(postgres, side.table, 0, 1);
          drain(side.consumer, 1, Duration.ofSeconds(120), null);
          side.stop();
        }
        out.println("bench capture: loading " + catchUpChanges + " changes into each table while both are stopped...");
        int inserts = catchUpChanges / 2;
        for (Side side : List.of(ours, recipe)) {
          writeRows(postgres, side.table, 1, inserts);
          updateRows(postgres, side.table, 1, catchUpChanges - inserts);
        }
        // Each catches up while the other is stopped; then both run through both steady phases, so each reads the
        // other's changes and skips them in the same way.
        double throughput = catchUp(ours, work, catchUpChanges);
        double baselineThroughput = catchUp(recipe, work, catchUpChanges);
        List<Long> latencies = steady(postgres, ours, 1 + inserts, steadyRate, steadyFor);
        List<Long> baselineLatencies = steady(postgres, recipe, 1 + inserts, steadyRate, steadyFor);
        long p99 = percentile(latencies, 0.99);
        long baselineP99 = percentile(baselineLatencies, 0.99);
        out.printf("bench capture: changes=%d throughput_per_s=%.0f steady_changes=%d steady_rate_per_s=%d p50_ms=%d p99_ms=%d"
            + " baseline_throughput_per_s=%.0f ratio=%.2f baseline_p50_ms=%d baseline_p99_ms=%d p99_ratio=%.2f%n",
            catchUpChanges, throughput, latencies.size(), steadyRate, percentile(latencies, 0.50), p99,
            baselineThroughput, throughput / baselineThroughput, percentile(baselineLatencies, 0.50), baselineP99,
            (double) p99 / Math.max(1, baselineP99));
        return complete ? 0 : 1;
      } finally {
        ours.stop();
        recipe.stop();
        ours.consumer.close();
        recipe.consumer.close();
      }
    } finally {
      deleteRecursively(work);
    }
  }

  /** Starts the side and returns changes per second from its first to its last broker append; leaves it running. */
  private double catchUp(Side side, Path work, int changes) {
    side.start(work, "2");
    long[] span = new long[] {Long.MAX_VALUE, 0};
    drain(side.consumer, changes, Duration.ofMinutes(10), record -> {
      span[0] = Math.min(span[0], record.timestamp());
      span[1] = Math.max(span[1], record.timestamp());
    });
    double throughput = changes * 1000.0 / Math.max(1, span[1] - span[0]);
    out.printf("bench capture: %s caught up %d changes in %.1f s = %.0f changes/s%n", side.name, changes,
        (span[1] - span[0]) / 1000.0, throughput);
    return throughput;
  }

  /** Inserts at {@code rate} into the side's table and returns each change's source commit to broker append, sorted. */
  private List<Long> steady(EmbeddedPostgresServer postgres, Side side, long firstId, int rate, Duration duration)
      throws InterruptedException {
    out.printf("bench capture: %s steady state at %d changes/s for %d s...%n", side.name, rate, duration.toSeconds());
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong written = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> steadyWrites(postgres, side.table, firstId, rate, duration, written, stop),
        "bench-writer");
    writer.start();
    long deadline = System.nanoTime() + duration.toNanos() + TimeUnit.SECONDS.toNanos(60);
    long received = 0;
    while ((writer.isAlive() || received < written.get()) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : side.consumer.poll(Duration.ofMillis(100))) {
        Matcher ts = SOURCE_TS.matcher(record.value());
        if (ts.find()) {
          latencies.add(record.timestamp() - Long.parseLong(ts.group(1)));
        }
        received++;
      }
    }
    stop.set(true);
    writer.join();
    if (received < written.get()) {
      complete = false;
      out.printf("bench capture: %s published only %d of %d steady changes within a minute after the writes%n",
          side.name, received, written.get());
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return sorted;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private Path writeConfig(Path work, int pgPort, String bootstrap) throws IOException {
    Path config = work.resolve("pipeline.yaml");
    Files.writeString(config, String.join("\n",
        "name: bench",
        "workDir: " + work,
        "source: {type: postgresql, host: 127.0.0.1, port: " + pgPort + ", database: bank, user: postgres, password: x,"
            + " slotName: bench, publication: bench}",
        "broker: {bootstrapServers: '" + bootstrap + "', topicPrefix: bench}",
        "lake: {root: " + work.resolve("lake") + "}",
        "tables: [{name: bench.events, key: [id]}]", ""), StandardCharsets.UTF_8);
    return config;
  }

  private Process startCapture(Path config, Path log) {
    Path target = home.resolve("cdc-connector/target");
    File[] jars = target.toFile().listFiles((dir, name) -> name.startsWith("lakesync-cdc-connector-") && name.endsWith(".jar"));
    if (jars == null || jars.length == 0) {
      throw new IllegalStateException("the cdc-connector jar is missing under " + target + " (build with ./lakesync)");
    }
    String classpath = jars[0] + File.pathSeparator + target.resolve("lib") + File.separator + "*";
    return startJava(classpath, log, "dev.lakesync.cdc.CaptureMain", "--config", config.toString(),
        "--status-interval", "5s");
  }

  /** The recipe runs on the capture stage's libraries (Debezium's engine and connector, the Kafka client). */
  private Process startRecipe(int pgPort, String bootstrap, Path work, Path log) {
    Path recipeJar = Path.of(DebeziumRecipe.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    String classpath = recipeJar + File.pathSeparator + home.resolve("cdc-connector/target/lib") + File.separator + "*";
    return startJava(classpath, log, DebeziumRecipe.class.getName(), String.valueOf(pgPort), bootstrap, RECIPE_TABLE,
        work.toString());
  }

  private static Process startJava(String classpath, Path log, String... mainAndArgs) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath));
    command.addAll(List.of(mainAndArgs));
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot start " + mainAndArgs[0], e);
    }
  }

  private static void stop(Process capture) throws InterruptedException {
    capture.toHandle().destroy();
    if (!capture.waitFor(60, TimeUnit.SECONDS)) {
      capture.destroyForcibly();
    }
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  private static void drain(KafkaConsumer<String, String> consumer, long count, Duration timeout,
      java.util.function.Consumer<ConsumerRecord<String, String>> each) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = 0;
    while (seen < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + seen + " of " + count + " changes arrived within " + timeout.toSeconds() + " s");
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        seen++;
        if (each != null) {
          each.accept(record);
        }
      }
    }
  }

  private static void writeRows(EmbeddedPostgresServer postgres, String table, long firstId, int rows) throws SQLException {
    try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
      for (long start = firstId; start < firstId + rows; start += 5_000) {
        long end = Math.min(firstId + rows, start + 5_000) - 1;
        statement.execute("INSERT INTO " + table + " (id, account, amount, note) SELECT g, g % 1000, (g % 100000) / 100.0, "
            + "'event ' || g FROM generate_series(" + start + ", " + end + ") g");
      }
    }
  }

  private static void updateRows(EmbeddedPostgresServer postgres, String table, long firstId, int rows) throws SQLException {
    try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
      for (long start = firstId; start < firstId + rows; start += 5_000) {
        long end = Math.min(firstId + rows, start + 5_000) - 1;
        statement.execute("UPDATE " + table + " SET amount = amount + 1 WHERE id BETWEEN " + start + " AND " + end);
      }
    }
  }

  /** Inserts rows at {@code rate} per second, ten per transaction every 10 ms. */
  private static void steadyWrites(EmbeddedPostgresServer postgres, String table, long firstId, int rate, Duration duration,
      AtomicLong written, AtomicBoolean stop) {
    try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
      int perTick = Math.max(1, rate / 100);
      long start = System.nanoTime();
      long next = firstId;
      for (long tick = 0; !stop.get() && System.nanoTime() - start < duration.toNanos(); tick++) {
        long due = start + tick * 10_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        statement.execute("INSERT INTO " + table + " (id, account, amount, note) SELECT g, g % 1000, 1.00, 'steady' "
            + "FROM generate_series(" + next + ", " + (next + perTick - 1) + ") g");
        next += perTick;
        written.addAndGet(perTick);
      }
    } catch (SQLException | InterruptedException e) {
      throw new IllegalStateException("steady writer failed: " + e.getMessage(), e);
    }
  }

}
