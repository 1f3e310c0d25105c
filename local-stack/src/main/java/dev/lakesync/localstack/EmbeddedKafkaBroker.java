package dev.lakesync.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one), running in this JVM with its logs
 * under a data folder. The folder is formatted once; later starts find the same topics and offsets.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final int port;
  private final int controllerPort;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, int port, int controllerPort) {
    this.server = server;
    this.bootstrapServers = "127.0.0.1:" + port;
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  public static EmbeddedKafkaBroker start(Path dataDir, int port, int controllerPort) {
    PortCheck.requireFree("Kafka", port, "LAKESYNC_KAFKA_PORT");
    PortCheck.requireFree("Kafka's controller", controllerPort, "LAKESYNC_KAFKA_CONTROLLER_PORT");
    Properties props = brokerProperties(dataDir, port, controllerPort);
    try {
      Files.createDirectories(dataDir);
      format(dataDir, props);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka's data folder " + dataDir + ": " + e.getMessage(), e);
    }
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir, port, controllerPort);
    LOG.info("Kafka broker listening on {}", broker.bootstrapServers);
    return broker;
  }

  /** Stops this broker and starts it again on the same data and ports (a broker restart, as in an upgrade). */
  public EmbeddedKafkaBroker restart(java.time.Duration down) throws InterruptedException {
    close();
    Thread.sleep(down.toMillis());
    return start(dataDir, port, controllerPort);
  }

  static Properties brokerProperties(Path dataDir, int port, int controllerPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString());
    // One node: every internal topic has one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "4");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("num.partitions", "1");
    // The demo keeps a week of changes so that a stopped pipeline can catch up; a laptop disk is the limit.
    props.put("log.retention.hours", "168");
    return props;
  }

  private static void format(Path dataDir, Properties props) throws IOException {
    if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
      return; // formatted on an earlier start; its cluster id stays
    }
    Path configFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "written by lakesync local-stack; the broker is configured in code");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    String[] args = {"format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile.toString()};
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      status = StorageTool.execute(args, print);
    }
    if (status != 0) {
      throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
