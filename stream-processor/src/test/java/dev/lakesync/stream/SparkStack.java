package dev.lakesync.stream;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.localstack.StackProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.spark.sql.SparkSession;

/**
 * The stream-processor tests' world: the stack in its own JVM (its broker cannot share Spark's JVM), a local Spark
 * session, the pipeline config, and the moves the tests make on the job (run once, forget a committed batch).
 */
public final class SparkStack implements AutoCloseable {
  public final StackProcess stack;
  public final SparkSession spark;
  public final PipelineConfig config;

  private SparkStack(StackProcess stack, SparkSession spark, PipelineConfig config) {
    this.stack = stack;
    this.spark = spark;
    this.config = config;
  }

  /** Starts the stack with the given {@code tables:} YAML and creates the tables' topics. */
  public static SparkStack start(Path dir, String tablesYaml) throws Exception {
    return start(dir, tablesYaml, port -> "");
  }

  /**
   * As {@link #start(Path, String)}, with more config sections (YAML) made from the stack's PostgreSQL port (its
   * {@code warehouse} and {@code serving} databases).
   */
  public static SparkStack start(Path dir, String tablesYaml, java.util.function.IntFunction<String> moreYaml)
      throws Exception {
    Path file = StackProcess.writeConfig(dir, tablesYaml);
    int postgresPort = new PipelineConfigLoader(name -> null).load(file).source().port();
    Files.writeString(file, Files.readString(file) + moreYaml.apply(postgresPort) + "\n");
    StackProcess stack = StackProcess.start(Path.of(".."), file);
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(stack.config());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", (Object) stack.bootstrapServers()))) {
      Collection<NewTopic> topics = KafkaSourceOptions.topics(config).stream()
          .map(topic -> new NewTopic(topic, 1, (short) 1)).collect(Collectors.toList());
      admin.createTopics(topics).all().get();
    }
    return new SparkStack(stack, SparkSessions.create(config, "lakesync-it"), config);
  }

  public LakePaths paths() {
    return new LakePaths(config.lake().root());
  }

  /** Runs the job once (available-now) and returns what it printed. */
  public String process() throws Exception {
    return process(0);
  }

  /** Runs the job once (available-now) with at most {@code maxOffsetsPerTrigger} records a batch (0: no cap). */
  String process(long maxOffsetsPerTrigger) throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new StreamProcessor(config, spark, new PrintStream(output, true, StandardCharsets.UTF_8))
        .run(true, Duration.ofSeconds(1), maxOffsetsPerTrigger);
    String text = output.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    return text;
  }

  /** Publishes one record with the lakesync.table header, as cdc-connector does, and waits for the ack. */
  void produce(String topic, String table, String key, String value) throws Exception {
    produce(topic, table, key, value, Map.of());
  }

  /** As {@link #produce(String, String, String, String)}, with more headers. */
  public void produce(String topic, String table, String key, String value, Map<String, String> headers)
      throws Exception {
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    props.put("acks", "all");
    try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(props,
            new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
      org.apache.kafka.clients.producer.ProducerRecord<String, String> record =
          new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value);
      record.headers().add(new org.apache.kafka.common.header.internals.RecordHeader("lakesync.table",
          table.getBytes(StandardCharsets.UTF_8)));
      headers.forEach((name, text) -> record.headers().add(
          new org.apache.kafka.common.header.internals.RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
      producer.send(record).get();
    }
  }

  /** Removes the newest entry of the checkpoint's commit log, as if the job died before writing it. */
  void forgetLastCommittedBatch() throws Exception {
    Path commits = Path.of(paths().checkpoints(StreamProcessor.STAGE), "main", "commits");
    Path newest;
    try (Stream<Path> files = Files.list(commits)) {
      newest = files.filter(file -> file.getFileName().toString().matches("\\d+"))
          .max(Comparator.comparingLong(file -> Long.parseLong(file.getFileName().toString()))).orElseThrow();
    }
    Files.delete(newest);
    Files.deleteIfExists(commits.resolve("." + newest.getFileName() + ".crc"));
  }

  /** Runs statements on the stack's source database. */
  void sql(String... statements) throws Exception {
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(stack.jdbcUrl("bank"), "postgres", "");
         java.sql.Statement statement = connection.createStatement()) {
      for (String each : statements) {
        statement.execute(each);
      }
    }
  }

  /**
   * Runs cdc-connector {@code --once} as its own process, from this checkout's build, in {@code dir}; returns its
   * output after checking its exit status.
   */
  String capture(Path dir, int expectedExit) throws Exception {
    Path target = Path.of("../cdc-connector/target").toAbsolutePath();
    java.io.File[] jars = target.toFile().listFiles((d, name) -> name.startsWith("lakesync-cdc-connector-")
        && name.endsWith(".jar"));
    org.assertj.core.api.Assertions.assertThat(jars).as("cdc-connector is built").isNotEmpty();
    Path log = Files.createTempFile(dir, "capture", ".log");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        jars[0] + java.io.File.pathSeparator + target.resolve("lib") + java.io.File.separator + "*",
        "dev.lakesync.cdc.CaptureMain", "--config", stack.config().toString(), "--once")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    org.assertj.core.api.Assertions.assertThat(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    org.assertj.core.api.Assertions.assertThat(process.exitValue()).as(output).isEqualTo(expectedExit);
    return output;
  }

  @Override
  public void close() throws Exception {
    try {
      spark.stop();
    } finally {
      stack.close();
    }
  }
}
