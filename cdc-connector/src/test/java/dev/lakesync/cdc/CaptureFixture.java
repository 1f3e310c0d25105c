package dev.lakesync.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.localstack.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Helpers for capture integration tests: a database per test, its pipeline config, a running service, a reader. */
final class CaptureFixture {
  static final ObjectMapper JSON = new ObjectMapper();

  private static void assertEquals(int expected, int actual) {
    if (expected != actual) {
      throw new AssertionError("stop() returned " + expected + " but run() returned " + actual);
    }
  }

  private CaptureFixture() {
  }

  /** Creates a fresh database and returns its name. */
  static String createDatabase(EmbeddedStack.Servers servers, String prefix) throws SQLException {
    String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection connection = servers.postgres().connect("postgres"); Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  static void execute(EmbeddedStack.Servers servers, String database, String... sql) throws SQLException {
    try (Connection connection = servers.postgres().connect(database); Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  /** A pipeline config for {@code database} on the embedded servers; {@code extra} is appended YAML. */
  static PipelineConfig config(EmbeddedStack.Servers servers, String database, Path workDir, List<String> tables,
      String debeziumYaml) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("name: ").append(database).append('\n');
    yaml.append("workDir: ").append(workDir).append('\n');
    yaml.append("source:\n  type: postgresql\n  host: 127.0.0.1\n  port: ").append(servers.postgres().port()).append('\n');
    yaml.append("  database: ").append(database).append("\n  user: postgres\n  password: ${TEST_PG_PASSWORD:-unused}\n");
    yaml.append("  slotName: ").append(database).append("\n  publication: ").append(database).append('\n');
    yaml.append("  debezium:\n    heartbeat.interval.ms: 1000\n");
    if (debeziumYaml != null) {
      yaml.append(debeziumYaml);
    }
    yaml.append("broker:\n  bootstrapServers: ").append(servers.kafka().bootstrapServers()).append('\n');
    yaml.append("  topicPrefix: ").append(database).append('\n');
    yaml.append("lake:\n  root: ").append(workDir.resolve("lake")).append('\n');
    yaml.append("tables:\n");
    for (String table : tables) {
      yaml.append("  - name: ").append(table).append("\n    key: [id]\n");
    }
    return new PipelineConfigLoader(System::getenv).parse(yaml.toString(), "test pipeline");
  }

  /**
   * A {@code CaptureMain} process (the stage as a user runs it), output to {@code log}.
   *
   * @param jvmOptions options before the class name, e.g. a logging config
   * @param env        extra environment variables
   */
  static ProcessBuilder captureProcess(List<String> jvmOptions, Map<String, String> env, Path log, String... args) {
    String classpath = Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
        + Path.of("target/lib").toAbsolutePath() + java.io.File.separator + "*";
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, CaptureMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return builder;
  }

  /** A capture service running in the background. */
  static final class Running implements AutoCloseable {
    final CaptureService service;
    final CompletableFuture<Integer> exit;
    final ByteArrayOutputStream output = new ByteArrayOutputStream();

    Running(PipelineConfig config, CaptureService.Options options) {
      PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
      service = new CaptureService(config, options, out);
      exit = CompletableFuture.supplyAsync(service::run);
    }

    String output() {
      return output.toString(StandardCharsets.UTF_8);
    }

    int stop() throws Exception {
      int status = service.stop();
      assertEquals(status, exit.get(90, TimeUnit.SECONDS));
      return status;
    }

    @Override
    public void close() throws Exception {
      if (!exit.isDone()) {
        stop();
      }
    }
  }

  /** One consumed change event: topic, headers, key and value as JSON. */
  static final class Event {
    final String topic;
    final String table;
    final String op;
    final JsonNode key;
    final JsonNode value;
    /** The marker's header when capture published one in place of a change too large for the broker. */
    final String oversized;

    Event(ConsumerRecord<byte[], byte[]> record) {
      this.topic = record.topic();
      this.table = header(record, ChangeHeaders.TABLE);
      this.op = header(record, ChangeHeaders.OP);
      this.oversized = header(record, ChangeHeaders.OVERSIZED);
      this.key = parse(record.key());
      this.value = parse(record.value());
    }

    /** The envelope's payload (before, after, op, source, transaction). */
    JsonNode payload() {
      return value.get("payload");
    }

    JsonNode after() {
      return payload().get("after");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
      Header header = record.headers().lastHeader(name);
      return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return topic + " " + op + " " + key;
    }
  }

  /** Reads {@code topics} from the beginning until {@code done} holds for what was read, or the timeout. */
  static List<Event> read(EmbeddedStack.Servers servers, Collection<String> topics, Predicate<List<Event>> done,
      Duration timeout) {
    Properties props = new Properties();
    props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
    List<Event> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(topics);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(events) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> events.add(new Event(record)));
      }
    }
    return events;
  }
}
