package dev.lakesync.cdc;

import dev.lakesync.common.metrics.MetricsEndpoint;
import dev.lakesync.common.config.BrokerConfig;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.SourceConfig;
import dev.lakesync.common.config.TableConfig;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture stage: checks source and broker, runs the Debezium engine with the {@link KafkaPublisher}, prints a
 * status line, serves /health and /metrics, and stops gracefully (offsets of acknowledged changes committed) on
 * {@link #stop()}, on failure, or, with {@code once}, when the source has been idle for a while.
 */
public final class CaptureService {
  private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);

  /** How the service runs; defaults suit a long-running service. */
  public static final class Options {
    boolean once;
    Duration idleToFinish = Duration.ofSeconds(5);
    Duration statusInterval = Duration.ofSeconds(10);
    int metricsPort = -1;
    String metricsAddress = "127.0.0.1";

    public Options once(boolean value) {
      this.once = value;
      return this;
    }

    public Options idleToFinish(Duration value) {
      this.idleToFinish = value;
      return this;
    }

    public Options statusInterval(Duration value) {
      this.statusInterval = value;
      return this;
    }

    /** -1: no HTTP endpoint; 0: any free port. */
    /** Where /metrics listens: the loopback interface unless told otherwise. */
    public Options metricsAddress(String value) {
      this.metricsAddress = value;
      return this;
    }

    public Options metricsPort(int value) {
      this.metricsPort = value;
      return this;
    }
  }

  /** How long a service (not --once) waits at start for a source that refuses connections. */
  private static final Duration SOURCE_WAIT = Duration.ofMinutes(2);

  private final PipelineConfig config;
  private final Options options;
  private final PrintStream out;
  private final CaptureMetrics metrics = new CaptureMetrics();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch engineDone = new CountDownLatch(1);
  private final CountDownLatch serviceDone = new CountDownLatch(1);
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile boolean running;
  private volatile int metricsPort = -1;
  private volatile int exitStatus = 1;

  public CaptureService(PipelineConfig config, Options options, PrintStream out) {
    this.config = config;
    this.options = options;
    this.out = out;
  }

  /** Runs until stopped, failed, or (once) idle. Returns 0 after a graceful stop, 1 after a failure. */
  public int run() {
    try {
      exitStatus = runEngine();
      return exitStatus;
    } finally {
      serviceDone.countDown();
    }
  }

  private int runEngine() {
    SecretSafeLogging.apply();
    String tls = PostgresSourceCheck.tlsWarning(config.source());
    if (tls != null) {
      out.println(tls);
    }
    try {
      Files.createDirectories(DebeziumProperties.offsetsFile(config).toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the offsets folder: " + e.getMessage(), e);
    }
    if (!options.once) {
      SourceWait.untilReachable(config.source().jdbcUrl(), config.source().jdbcProperties(), config.source().host() + ":"
          + config.source().port() + "/" + config.source().database(), SOURCE_WAIT, out);
    }
    if (config.source().type() == SourceConfig.Type.POSTGRESQL) {
      PostgresSourceCheck.prepare(config.source(), config.tables());
    }
    prepareBroker(config.broker());

    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "lakesync-capture-engine"));
    java.util.Properties producerSettings = ProducerSettings.from(config.broker(), config.name() + "-cdc");
    OversizedChanges oversized = new OversizedChanges(ProducerSettings.maxRequestSize(producerSettings),
        config.workDir().resolve("cdc").resolve("oversized"), out);
    try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings);
         MetricsEndpoint server = startMetricsEndpoint()) {
      DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
          .using(DebeziumProperties.from(config))
          .using(this::engineCompleted)
          .notifying(new KafkaPublisher(producer, new ChangeRecordMapper(config), metrics, oversized))
          .build();
      running = true;
      long started = System.currentTimeMillis();
      executor.execute(engine);
      out.println("capture: " + config.source().type().name().toLowerCase(java.util.Locale.ROOT) + " "
          + config.source().host() + ":" + config.source().port() + "/" + config.source().database() + " -> "
          + config.broker().bootstrapServersString() + " (" + config.tables().size() + " tables"
          + (server == null ? "" : ", metrics on http://localhost:" + server.port() + "/metrics") + ")");
      out.flush();
      waitUntilDone(started);
      try {
        engine.close(); // stops the task and commits the offsets of every acknowledged change
      } catch (IOException e) {
        LOG.warn("closing the Debezium engine: {}", e.getMessage());
      }
      awaitEngine(Duration.ofSeconds(60));
      running = false;
    } finally {
      executor.shutdownNow();
    }
    printStatus(0, 0);
    if (failure.get() != null) {
      out.println("capture: failed: " + failure.get());
      out.flush();
      return 1;
    }
    out.println("capture: stopped after " + metrics.total() + " change events (" + metrics.markers()
        + " transaction markers); offsets committed");
    out.flush();
    return 0;
  }

  private void waitUntilDone(long started) {
    long lastStatus = System.currentTimeMillis();
    long lastTotal = 0;
    long streamingSince = 0;
    String offsetsBlob = DebeziumProperties.offsetsBlobUrl(config);
    while (!stopRequested.get()) {
      try {
        if (engineDone.await(200, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      String lostOffsets = BlobOffsetBackingStore.lostReason(offsetsBlob);
      if (lostOffsets != null) {
        failure.compareAndSet(null, lostOffsets);
        return;
      }
      long now = System.currentTimeMillis();
      if (now - lastStatus >= options.statusInterval.toMillis()) {
        printStatus(metrics.total() - lastTotal, now - lastStatus);
        lastStatus = now;
        lastTotal = metrics.total();
      }
      if (options.once && streamingSince == 0) {
        Boolean streaming = DebeziumStreaming.connected();
        // Without streaming metrics (none registered a minute in), idle counts from the start.
        if (Boolean.TRUE.equals(streaming) || streaming == null && now - started >= 60_000) {
          streamingSince = streaming == null ? started : now;
        }
      }
      // Idle counts only once Debezium streams: a slow start or a long snapshot is not an idle source.
      if (options.once && streamingSince > 0) {
        long lastActivity = Math.max(streamingSince, metrics.lastAckMs());
        if (now - lastActivity >= options.idleToFinish.toMillis()) {
          out.println("capture: source idle for " + options.idleToFinish.toSeconds() + " s, finishing (--once)");
          return;
        }
      }
    }
  }

  private void printStatus(long events, long millis) {
    double lag = metrics.lagMs();
    String rate = millis > 0 ? String.format("%.0f events/s, ", events * 1000.0 / millis) : "";
    out.println("capture: " + rate + metrics.total() + " published, position " + metrics.lastPosition() + ", lag "
        + (lag < 0 ? "n/a" : String.format("%.0f ms", lag)));
    out.flush();
  }

  private void engineCompleted(boolean success, String message, Throwable error) {
    if (!success || error != null) {
      failure.set(describe(message, error));
    }
    engineDone.countDown();
  }

  private static String describe(String message, Throwable error) {
    Throwable root = error;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = message == null ? "" : message;
    if (root != null && root.getMessage() != null && !text.contains(root.getMessage())) {
      text = text + (text.isEmpty() ? "" : ": ") + root.getMessage();
    }
    return text;
  }

  private void awaitEngine(Duration timeout) {
    try {
      if (!engineDone.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("the Debezium engine did not stop within {} s", timeout.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private MetricsEndpoint startMetricsEndpoint() {
    if (options.metricsPort < 0) {
      return null;
    }
    try {
      MetricsEndpoint endpoint = MetricsEndpoint.start("capture", options.metricsAddress, options.metricsPort,
          metrics.registry(), () -> running && failure.get() == null);
      metricsPort = endpoint.port();
      return endpoint;
    } catch (java.io.UncheckedIOException e) {
      throw new CaptureException(e.getMessage(), e);
    }
  }

  /** Checks that the broker answers, and creates the topics lakesync writes when the broker is Kafka. */
  private void prepareBroker(BrokerConfig broker) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServersString());
    props.putAll(broker.serviceSettings());
    // A quick look, not the producer's patient requests.
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    props.putAll(broker.securitySettings());
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
      if (broker.type() == BrokerConfig.Type.KAFKA) {
        Set<String> wanted = new LinkedHashSet<>();
        for (TableConfig table : config.tables()) {
          wanted.add(broker.topicFor(table.schema(), table.table()));
        }
        wanted.add(broker.transactionTopic());
        Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : wanted) {
          if (!existing.contains(topic)) {
            missing.add(new NewTopic(topic, broker.partitions(), (short) -1));
          }
        }
        for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(missing).values().entrySet()) {
          try {
            created.getValue().get(20, TimeUnit.SECONDS);
            LOG.info("created topic {}", created.getKey());
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e; // someone else creating it at the same moment is fine
            }
          }
        }
      }
    } catch (TimeoutException e) {
      throw unreachable(broker);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(broker);
      }
      throw new CaptureException("the broker at " + broker.bootstrapServersString() + " refused: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CaptureException("interrupted while contacting the broker");
    }
  }

  private static CaptureException unreachable(BrokerConfig broker) {
    return new CaptureException("cannot reach the broker at " + broker.bootstrapServersString() + " within 20 s"
        + (broker.type() == BrokerConfig.Type.KAFKA ? " (is it running? for the local stack: ./lakesync stack)" : ""));
  }

  /** Asks a running service to stop gracefully, waits for it, and returns what {@link #run()} returned. */
  public int stop() {
    stopRequested.set(true);
    try {
      if (!serviceDone.await(90, TimeUnit.SECONDS)) {
        return 1;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    return exitStatus;
  }

  /** The metrics port actually bound, or -1. */
  public int metricsPort() {
    return metricsPort;
  }

  long publishedEvents() {
    return metrics.total();
  }
}
