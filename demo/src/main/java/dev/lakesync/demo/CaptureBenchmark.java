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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code lakesync bench capture}: the capture stage as its own process between the embedded PostgreSQL and broker.
 * (1) Catch-up: changes written while capture is stopped, then the time from the first to the last broker append.
 * (2) Steady state at a fixed rate: source commit time to broker append time (the topic uses LogAppendTime, so a
 * record's timestamp is when the broker accepted it) per change, as p50 and p99.
 */
public final class CaptureBenchmark {
  private static final Pattern SOURCE_TS = Pattern.compile("\"source\":\\{.*?\"ts_ms\":(\\d+)");
  private static final String TOPIC = "bench.bench.events";

  private final Path home;
  private final PrintStream out;
  private final boolean quick;

  public CaptureBenchmark(Path home, PrintStream out, boolean quick) {
    this.home = home;
    this.out = out;
    this.quick = quick;
  }

  public int run() throws Exception {
    int catchUpChanges = quick ? 60_000 : 300_000;
    int steadyRate = 1_000;
    Duration steadyFor = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30);
    Path work = Files.createTempDirectory("lakesync-bench-capture-");
    out.printf("bench capture: %s run, %d changes catch-up, then %d changes/s for %d s (work in %s)%n",
        quick ? "quick" : "full", catchUpChanges, steadyRate, steadyFor.toSeconds(), work);
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(work.resolve("postgres"), PortCheck.findFree());
         EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(work.resolve("kafka"), PortCheck.findFree(), PortCheck.findFree())) {
      try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA bench");
        statement.execute("CREATE TABLE bench.events (id bigint PRIMARY KEY, account int NOT NULL, "
            + "amount numeric(14, 2) NOT NULL, note text, created_at timestamptz NOT NULL DEFAULT now())");
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
            .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
      }
      Path config = writeConfig(work, postgres.port(), kafka.bootstrapServers());
      try (KafkaConsumer<String, String> consumer = consumer(kafka.bootstrapServers())) {
        // First start: creates the slot and takes the (empty) snapshot; stopped again before the catch-up load.
        Process capture = startCapture(config, work.resolve("capture-1.log"));
        writeRows(postgres, 0, 1);
        drain(consumer, 1, Duration.ofSeconds(120), null);
        stop(capture);

        out.println("bench capture: loading " + catchUpChanges + " changes while capture is stopped...");
        int inserts = catchUpChanges / 2;
        writeRows(postgres, 1, inserts);
        updateRows(postgres, 1, catchUpChanges - inserts);
        capture = startCapture(config, work.resolve("capture-2.log"));
        long[] span = new long[] {Long.MAX_VALUE, 0};
        drain(consumer, catchUpChanges, Duration.ofMinutes(10), record -> {
          span[0] = Math.min(span[0], record.timestamp());
          span[1] = Math.max(span[1], record.timestamp());
        });
        double throughput = catchUpChanges * 1000.0 / Math.max(1, span[1] - span[0]);
        out.printf("bench capture: catch-up %d changes in %.1f s = %.0f changes/s%n", catchUpChanges,
            (span[1] - span[0]) / 1000.0, throughput);

        out.printf("bench capture: steady state at %d changes/s for %d s...%n", steadyRate, steadyFor.toSeconds());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong written = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> steadyWrites(postgres, 1 + inserts, steadyRate, steadyFor, written, stop), "bench-writer");
        writer.start();
        long deadline = System.nanoTime() + steadyFor.toNanos() + TimeUnit.SECONDS.toNanos(60);
        long received = 0;
        while ((writer.isAlive() || received < written.get()) && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
            Matcher ts = SOURCE_TS.matcher(record.value());
            if (ts.find()) {
              latencies.add(record.timestamp() - Long.parseLong(ts.group(1)));
            }
            received++;
          }
        }
        stop.set(true);
        writer.join();
        stop(capture);
        Collections.sort(latencies);
        out.printf("bench capture: changes=%d throughput_per_s=%.0f steady_changes=%d steady_rate_per_s=%d p50_ms=%d p99_ms=%d%n",
            catchUpChanges, throughput, latencies.size(), steadyRate, percentile(latencies, 0.50), percentile(latencies, 0.99));
        return latencies.size() == written.get() ? 0 : 1;
      }
    } finally {
      deleteRecursively(work);
    }
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

  private Process startCapture(Path config, Path log) throws IOException {
    Path target = home.resolve("cdc-connector/target");
    File[] jars = target.toFile().listFiles((dir, name) -> name.startsWith("lakesync-cdc-connector-") && name.endsWith(".jar"));
    if (jars == null || jars.length == 0) {
      throw new IllegalStateException("the cdc-connector jar is missing under " + target + " (build with ./lakesync)");
    }
    String classpath = jars[0] + File.pathSeparator + target.resolve("lib") + File.separator + "*";
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
        "dev.lakesync.cdc.CaptureMain", "--config", config.toString(), "--status-interval", "5s")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void stop(Process capture) throws InterruptedException {
    capture.toHandle().destroy();
    if (!capture.waitFor(60, TimeUnit.SECONDS)) {
      capture.destroyForcibly();
    }
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(TOPIC));
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

  private static void writeRows(EmbeddedPostgresServer postgres, long firstId, int rows) throws SQLException {
    try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
      for (long start = firstId; start < firstId + rows; start += 5_000) {
        long end = Math.min(firstId + rows, start + 5_000) - 1;
        statement.execute("INSERT INTO bench.events (id, account, amount, note) SELECT g, g % 1000, (g % 100000) / 100.0, "
            + "'event ' || g FROM generate_series(" + start + ", " + end + ") g");
      }
    }
  }

  private static void updateRows(EmbeddedPostgresServer postgres, long firstId, int rows) throws SQLException {
    try (Connection connection = postgres.connect("bank"); Statement statement = connection.createStatement()) {
      for (long start = firstId; start < firstId + rows; start += 5_000) {
        long end = Math.min(firstId + rows, start + 5_000) - 1;
        statement.execute("UPDATE bench.events SET amount = amount + 1 WHERE id BETWEEN " + start + " AND " + end);
      }
    }
  }

  /** Inserts rows at {@code rate} per second, ten per transaction every 10 ms. */
  private static void steadyWrites(EmbeddedPostgresServer postgres, long firstId, int rate, Duration duration,
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
        statement.execute("INSERT INTO bench.events (id, account, amount, note) SELECT g, g % 1000, 1.00, 'steady' "
            + "FROM generate_series(" + next + ", " + (next + perTick - 1) + ") g");
        next += perTick;
        written.addAndGet(perTick);
      }
    } catch (SQLException | InterruptedException e) {
      throw new IllegalStateException("steady writer failed: " + e.getMessage(), e);
    }
  }

}
