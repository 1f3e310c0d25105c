package dev.lakesync.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.ProgressLine;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.localstack.LocalStack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./lakesync bench chaos}: the demo pipeline (embedded stack, the four stages as processes) under the bank
 * workload, while a {@link ChaosPlan} SIGKILLs every stage again and again (capture once during its initial
 * snapshot), restarts the broker and restarts the source PostgreSQL (fast and immediate shutdowns; the warehouse
 * and serving databases live on the same server and go down with it). A stage that exits by itself is started
 * again, as a service manager would, and counted. Then the workload stops, every stage catches up, and the soak
 * checks that nothing was lost or invented: verify's reconciliation (source, lake, warehouse, serving key by key)
 * and the processor's accounting (every record on the topics landed once and applied, superseded or quarantined).
 */
public final class ChaosSoak {
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration SNAPSHOT_WAIT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;
  private final PrintStream out;
  private final long changes;
  private final int kills;
  private final int brokerRestarts;
  private final int sourceRestarts;
  private final double rate;
  private final long seed;
  private final Map<String, Integer> killsByStage = new LinkedHashMap<>();
  /** The workload's progress while it runs, else null. */
  private ProgressLine progress;
  private final Map<String, Integer> exitsByStage = new LinkedHashMap<>();
  private int brokerRestartsDone;
  private int sourceRestartsDone;
  private boolean snapshotKilled;

  public ChaosSoak(Path home, PrintStream out, boolean quick, long seed) {
    this.home = home;
    this.out = out;
    this.seed = seed;
    this.changes = quick ? 6_000 : 100_000;
    this.kills = quick ? 4 : 24;
    this.brokerRestarts = quick ? 1 : 3;
    this.sourceRestarts = quick ? 2 : 4;
    this.rate = quick ? 100 : 300;
  }

  public int run() throws Exception {
    BenchWorkspace workspace = BenchWorkspace.create(home, "lakesync-bench-chaos-");
    PipelineConfig config = workspace.config;
    Demo pipeline = new Demo(home, config, workspace.configFile, out, false, workspace.env).separateProcesses();
    ChaosPlan plan = ChaosPlan.of(seed, Demo.STAGES, kills, brokerRestarts, sourceRestarts,
        Duration.ofMillis((long) (changes * 1000 / rate)));
    out.printf(Locale.ROOT, "chaos: %d changes at %.0f/s with %d kills, %d broker and %d source restarts (seed %d; "
        + "work folder %s, stage logs in %s)%n", changes, rate, kills, brokerRestarts, sourceRestarts, seed,
        workspace.work, pipeline.logs());
    try (LocalStack stack = LocalStack.start(config, workspace.settings, true)) {
      long seeded = sourceRows(config);
      pipeline.startStages();
      ChaosWorkload workload = new ChaosWorkload(config, rate, changes, seed, out);
      Thread workloadThread = new Thread(workload, "lakesync-chaos-workload");
      long started = System.currentTimeMillis();
      workloadThread.start();
      progress = ProgressLine.start(out, "chaos: workload", "row changes", changes, Duration.ofSeconds(30));
      try {
        for (ChaosPlan.Action action : plan.actions()) {
          while (System.currentTimeMillis() - started < action.atMs) {
            superviseFor(pipeline, 250);
            progress.update(workload.committed(), "");
          }
          strike(action, pipeline, stack, workload, config, seeded);
        }
        while (workloadThread.isAlive()) {
          superviseFor(pipeline, 250);
          progress.update(workload.committed(), "");
        }
        progress.finish();
        progress = null;
        if (workload.failure() != null) {
          out.println("chaos: the workload failed: " + workload.failure());
          return 1;
        }
        out.println("chaos: workload done: " + workload.committed() + " row changes committed ("
            + workload.reconnects() + " reconnects after source restarts); draining");
        if (!drain(pipeline, config)) {
          return 1;
        }
        pipeline.stopStages();
        List<String> verify = pipeline.verify();
        verify.forEach(out::println);
        String reconciliation = verify.isEmpty() ? "" : verify.get(verify.size() - 1);
        long mismatches = reconciliation.matches("reconciliation: .* mismatches=\\d+")
            ? Long.parseLong(reconciliation.substring(reconciliation.lastIndexOf('=') + 1)) : -1;
        long unaccounted = accounting(config);
        int kills = killsByStage.values().stream().mapToInt(Integer::intValue).sum();
        out.println("chaos: kills by stage " + killsByStage + ", exits by themselves " + exitsByStage
            + ", capture killed during its snapshot: " + (snapshotKilled ? "yes" : "no"));
        out.printf(Locale.ROOT, "chaos: kills=%d broker_restarts=%d source_restarts=%d changes=%d mismatches=%d%n",
            kills, brokerRestartsDone, sourceRestartsDone, workload.committed(), mismatches);
        return mismatches == 0 && unaccounted == 0 ? 0 : 1;
      } finally {
        workload.stop();
        workloadThread.join(30_000);
        pipeline.stopStages();
      }
    }
  }

  private void strike(ChaosPlan.Action action, Demo pipeline, LocalStack stack, ChaosWorkload workload,
      PipelineConfig config, long seeded) throws Exception {
    switch (action.kind) {
      case KILL:
        if (action.duringSnapshot) {
          // Kill once the first snapshot rows are on the broker, well before all of them are.
          long deadline = System.nanoTime() + SNAPSHOT_WAIT.toNanos();
          while (publishedDataEvents(config) == 0 && System.nanoTime() < deadline) {
            superviseFor(pipeline, 100);
          }
        }
        StageProcess stage = pipeline.stage(action.stage);
        long publishedBefore = action.duringSnapshot ? publishedDataEvents(config) : 0;
        stage.kill();
        if (action.duringSnapshot) {
          snapshotKilled = publishedBefore > 0 && publishedBefore < seeded;
          say(String.format(Locale.ROOT, "chaos: kill -9 capture during its initial snapshot (%d of %d rows published)",
              publishedBefore, seeded));
        } else {
          say("chaos: kill -9 " + action.stage);
        }
        killsByStage.merge(action.stage, 1, Integer::sum);
        Thread.sleep(action.downMs);
        pipeline.restart(stage);
        break;
      case BROKER_RESTART:
        say("chaos: restarting the broker (down " + action.downMs + " ms)");
        stack.restartKafka(Duration.ofMillis(action.downMs));
        brokerRestartsDone++;
        break;
      default:
        boolean immediate = action.kind == ChaosPlan.Kind.SOURCE_RESTART_IMMEDIATE;
        say("chaos: restarting PostgreSQL, " + (immediate ? "immediate" : "fast") + " shutdown (down "
            + action.downMs + " ms)");
        stack.restartPostgres(immediate, Duration.ofMillis(action.downMs));
        sourceRestartsDone++;
        break;
    }
  }

  /** Watches the stages for {@code millis}; one that exited by itself is started again, as a service manager would. */
  private void superviseFor(Demo pipeline, long millis) throws Exception {
    StageProcess dead = pipeline.deadStage();
    if (dead != null) {
      exitsByStage.merge(dead.name, 1, Integer::sum);
      say("chaos: " + dead.name + " exited by itself (status " + dead.exitStatus() + "), starting it again; "
          + "its last lines:");
      say(dead.tail(5).replaceAll("(?m)^", "  | "));
      pipeline.restart(dead);
    }
    Thread.sleep(millis);
  }

  /** Waits until every stage has caught up with the one before it, restarting any that exits. */
  /** A line of the soak's story; above the workload's live progress line while it runs. */
  private void say(String line) {
    if (progress != null) {
      progress.say(line);
    } else {
      out.println(line);
    }
  }

  private boolean drain(Demo pipeline, PipelineConfig config) throws Exception {
    CatchUp catchUp = new CatchUp(config);
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    long lastPublished = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      superviseFor(pipeline, 2000);
      long published = publishedDataEvents(config);
      if (published != lastPublished) {
        lastPublished = published;
        quietSince = System.nanoTime();
      }
      // Capture has caught up when it has run long enough to stream (a restarted one may still be starting) and
      // nothing new reached the topics for a while.
      StageProcess capture = pipeline.stage("capture");
      boolean captureSettled = capture.alive() && capture.age().toSeconds() > 30
          && System.nanoTime() - quietSince > 15_000_000_000L;
      if (captureSettled && catchUp.processCaughtUp()
          && catchUp.warehouseCaughtUp() && catchUp.servingCaughtUp()) {
        out.println("chaos: every stage has caught up");
        return true;
      }
    }
    out.println("chaos: the stages did not catch up within " + DRAIN_TIMEOUT.toMinutes() + " minutes; logs in "
        + pipeline.logs());
    return false;
  }

  /**
   * The processor's own accounting against the broker: the records it recorded as landed, summed over its batch
   * records (a replayed batch overwrites its own), must be every record on the topics it reads, and each one applied,
   * superseded, quarantined, dropped by a rule or a transaction marker. Returns how many are not accounted for.
   */
  private long accounting(PipelineConfig config) throws Exception {
    Map<String, Long> sums = new LinkedHashMap<>();
    Path batches = Path.of(new LakePaths(config.lake().root()).root().replaceFirst("^file:", ""))
        .resolve("_state/stream-processor/batches");
    try (Stream<Path> files = Files.list(batches)) {
      for (Path file : (Iterable<Path>) files.filter(path -> path.toString().endsWith(".json"))::iterator) {
        JsonNode batch = JSON.readTree(file.toFile());
        for (String field : List.of("landed", "applied", "superseded", "quarantined", "dropped", "unknown_table", "markers")) {
          sums.merge(field, batch.path(field).asLong(), Long::sum);
        }
      }
    }
    long onTopics = recordsOnTopics(config, true);
    long landed = sums.getOrDefault("landed", 0L);
    long sorted = sums.getOrDefault("applied", 0L) + sums.getOrDefault("superseded", 0L)
        + sums.getOrDefault("quarantined", 0L) + sums.getOrDefault("dropped", 0L) + sums.getOrDefault("markers", 0L)
        + sums.getOrDefault("unknown_table", 0L);
    out.println("chaos: accounting: on the topics " + onTopics + ", landed " + landed + " (applied "
        + sums.get("applied") + ", superseded " + sums.get("superseded") + ", quarantined " + sums.get("quarantined")
        + ", dropped " + sums.get("dropped") + ", transaction markers " + sums.get("markers") + ", unknown table "
        + sums.get("unknown_table") + ")");
    return Math.abs(onTopics - landed) + Math.abs(landed - sorted);
  }

  private long publishedDataEvents(PipelineConfig config) throws Exception {
    return recordsOnTopics(config, false);
  }

  /** Records on the tables' topics (and the transaction topic too with {@code withMarkers}): end minus start offsets. */
  private static long recordsOnTopics(PipelineConfig config, boolean withMarkers) throws Exception {
    List<String> topics = new ArrayList<>();
    for (TableConfig table : config.tables()) {
      topics.add(config.broker().topicFor(table.schema(), table.table()));
    }
    if (withMarkers) {
      topics.add(config.broker().transactionTopic());
    }
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.broker().bootstrapServersString());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    try (Admin admin = Admin.create(properties)) {
      List<String> existing = new ArrayList<>(admin.listTopics().names().get());
      existing.retainAll(topics);
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicDescription topic : admin.describeTopics(existing).allTopicNames().get().values()) {
        topic.partitions().forEach(partition -> {
          TopicPartition key = new TopicPartition(topic.name(), partition.partition());
          earliest.put(key, OffsetSpec.earliest());
          latest.put(key, OffsetSpec.latest());
        });
      }
      long records = 0;
      for (var end : admin.listOffsets(latest).all().get().entrySet()) {
        records += end.getValue().offset();
      }
      for (var start : admin.listOffsets(earliest).all().get().entrySet()) {
        records -= start.getValue().offset();
      }
      return records;
    } catch (java.util.concurrent.ExecutionException e) {
      return 0; // the broker is restarting: nothing to compare this time
    }
  }

  private static long sourceRows(PipelineConfig config) throws Exception {
    long rows = 0;
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(config.source().jdbcUrl(),
        config.source().jdbcProperties()); java.sql.Statement statement = connection.createStatement()) {
      for (TableConfig table : config.tables()) {
        // Names from the validated config, quoted.
        try (java.sql.ResultSet count = statement.executeQuery("SELECT count(*) FROM "
            + dev.lakesync.common.Identifiers.quoteAnsi(table.schema()) + "."
            + dev.lakesync.common.Identifiers.quoteAnsi(table.table()))) {
          count.next();
          rows += count.getLong(1);
        }
      }
    }
    return rows;
  }
}
