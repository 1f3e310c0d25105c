package dev.lakesync.bench.fuzz;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaTables;
import dev.lakesync.stream.StreamProcessor;
import dev.lakesync.verify.Reconciliation;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.spark.sql.SparkSession;

/**
 * One seed end to end: its tables created in the source, each round's transactions applied, captured by
 * cdc-connector ({@code --once}, its own JVM, as a user runs it) and processed into the lake, then the lake compared
 * with the source value by value by verify. Every event must be applied: a quarantined one counts as a mismatch,
 * since the fuzz makes only valid data.
 */
final class FuzzRun {
  /** What one seed came to. */
  static final class Result {
    final long seed;
    final int tables;
    final int changes;
    final long mismatches;
    final String report;
    /** Where the seed's time went. */
    final String timing;

    Result(long seed, int tables, int changes, long mismatches, String report, String timing) {
      this.seed = seed;
      this.tables = tables;
      this.changes = changes;
      this.mismatches = mismatches;
      this.report = report;
      this.timing = timing;
    }
  }

  private final Path home;
  private final FuzzDialect dialect;
  private final String bootstrapServers;
  private final SparkSession spark;

  FuzzRun(Path home, FuzzDialect dialect, String bootstrapServers, SparkSession spark) {
    this.home = home;
    this.dialect = dialect;
    this.bootstrapServers = bootstrapServers;
    this.spark = spark;
  }

  /**
   * Runs the seeds' workloads side by side through one pipeline (their own schemas, one capture and processor),
   * round by round, then compares each seed's tables with the source.
   */
  List<Result> run(List<Long> seeds, Path dir) throws Exception {
    List<FuzzWorkload> workloads = new ArrayList<>();
    for (long seed : seeds) {
      workloads.add(FuzzWorkload.generate(seed, dialect));
    }
    Files.createDirectories(dir);
    String name = "fz" + seeds.get(0) + "_" + seeds.size();
    try (Connection connection = dialect.connect(); Statement statement = connection.createStatement()) {
      for (FuzzWorkload workload : workloads) {
        dialect.cleanUp(workload.schema);
        for (String sql : dialect.createSchema(workload.schema)) {
          statement.execute(sql);
        }
        for (FuzzTable table : workload.tables) {
          for (String sql : table.createStatements(dialect)) {
            statement.execute(sql);
          }
        }
      }
    }
    dialect.cleanUp(name);
    PipelineConfig config = writeConfig(name, workloads, dir.resolve("pipeline.yaml"));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", (Object) bootstrapServers))) {
      List<NewTopic> topics = config.tables().stream()
          .map(table -> new NewTopic(config.broker().topicFor(table.schema(), table.table()), 1, (short) 1))
          .collect(Collectors.toList());
      admin.createTopics(topics).all().get();
    }
    List<Result> results = new ArrayList<>();
    try (PrintStream log = new PrintStream(Files.newOutputStream(dir.resolve("fuzz.log")), true, StandardCharsets.UTF_8);
         PrintStream changesLog = new PrintStream(Files.newOutputStream(dir.resolve("changes.log")), true, StandardCharsets.UTF_8)) {
      long captureNanos = 0;
      long processNanos = 0;
      for (int r = 0; r < workloads.get(0).rounds.size(); r++) {
        int changes = 0;
        changesLog.println("-- round " + r);
        for (FuzzWorkload workload : workloads) {
          apply(workload.rounds.get(r), changesLog);
          changes += workload.rounds.get(r).changes();
        }
        long start = System.nanoTime();
        capture(dir);
        captureNanos += System.nanoTime() - start;
        start = System.nanoTime();
        int batches = workloads.get(0).rounds.get(r).batches;
        new StreamProcessor(config, spark, log).run(true, Duration.ofSeconds(1), batches == 1 ? 0 : Math.max(1, changes / batches));
        processNanos += System.nanoTime() - start;
      }
      for (FuzzWorkload workload : workloads) {
        PipelineConfig own = writeConfig(name, List.of(workload), dir.resolve(workload.schema + ".yaml"));
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        long start = System.nanoTime();
        long mismatches = new Reconciliation(own, spark, new PrintStream(report, true, StandardCharsets.UTF_8)).run();
        long quarantined = quarantined(own);
        String text = report.toString(StandardCharsets.UTF_8);
        log.print(text);
        if (mismatches + quarantined == 0) {
          dialect.cleanUp(workload.schema);
        }
        results.add(new Result(workload.seed, workload.tables.size(), workload.changes(), mismatches + quarantined,
            quarantined == 0 ? text : text + "quarantined events (the fuzz makes only valid data): " + quarantined + "\n",
            String.format("its group of %d: capture %d s, process %d s; verify %d s", workloads.size(),
                captureNanos / 1_000_000_000L, processNanos / 1_000_000_000L, (System.nanoTime() - start) / 1_000_000_000L)));
      }
    }
    dialect.cleanUp(name);
    return results;
  }

  /** The pipeline config of the group {@code name} (slot, publication, topics), for the workloads' tables. */
  private PipelineConfig writeConfig(String name, List<FuzzWorkload> workloads, Path file) throws IOException {
    List<String> tables = new ArrayList<>();
    for (FuzzWorkload workload : workloads) {
      for (FuzzTable table : workload.tables) {
        tables.add(table.yaml());
      }
    }
    Path dir = file.getParent();
    Files.writeString(file, String.join("\n",
        "name: " + name,
        "workDir: " + dir.resolve("work"),
        "source: " + dialect.sourceYaml(name, workloads.get(0).schema),
        "broker: {bootstrapServers: '" + bootstrapServers + "', topicPrefix: " + dialect.sourceType() + "_" + name + "}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [" + String.join(", ", tables) + "]", ""));
    return new PipelineConfigLoader(variable -> null).load(file);
  }

  /** Each transaction of the round in its own source transaction, values bound as text; each logged. */
  private void apply(FuzzWorkload.Round round, PrintStream log) throws Exception {
    try (Connection connection = dialect.connect()) {
      connection.setAutoCommit(false);
      for (List<FuzzChange> transaction : round.transactions) {
        for (FuzzChange change : transaction) {
          try (PreparedStatement statement = connection.prepareStatement(change.sql(dialect))) {
            List<String> parameters = change.parameters();
            log.println(change.sql(dialect) + " -- " + abbreviated(parameters));
            for (int i = 0; i < parameters.size(); i++) {
              if (parameters.get(i) == null) {
                statement.setNull(i + 1, Types.VARCHAR);
              } else {
                statement.setString(i + 1, parameters.get(i));
              }
            }
            statement.executeUpdate();
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the source refused " + change + ": " + e.getMessage(), e);
          }
        }
        connection.commit();
        log.println("COMMIT");
      }
    }
  }

  private static List<String> abbreviated(List<String> parameters) {
    List<String> shown = new ArrayList<>();
    for (String parameter : parameters) {
      shown.add(parameter == null || parameter.length() <= 60 ? parameter
          : parameter.substring(0, 40) + "...(" + parameter.length() + " chars)");
    }
    return shown;
  }

  /** cdc-connector --once from the lakesync home's build, in its own JVM. */
  private void capture(Path dir) throws Exception {
    Path target = home.resolve("cdc-connector/target");
    String jar;
    try (Stream<Path> files = Files.list(target)) {
      jar = files.map(Path::toString).filter(name -> name.matches(".*/lakesync-cdc-connector-[^/]*[0-9T](-SNAPSHOT)?\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no cdc-connector jar in " + target + " (build it)"));
    }
    Path log = dir.resolve("capture.log");
    Process capture = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        jar + File.pathSeparator + target.resolve("lib") + File.separator + "*", "dev.lakesync.cdc.CaptureMain",
        "--config", dir.resolve("pipeline.yaml").toString(), "--once")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!capture.waitFor(5, TimeUnit.MINUTES)) {
      capture.destroyForcibly();
      throw new IllegalStateException("capture --once did not end within 5 minutes; see " + log);
    }
    if (capture.exitValue() != 0) {
      throw new IllegalStateException("capture --once exited with " + capture.exitValue() + "; see " + log);
    }
  }

  private long quarantined(PipelineConfig config) {
    LakePaths paths = new LakePaths(config.lake().root());
    long count = 0;
    for (TableConfig table : config.tables()) {
      String quarantine = paths.quarantine(table.schema(), table.table());
      if (DeltaTables.exists(spark, quarantine)) {
        count += spark.read().format("delta").load(quarantine).count();
      }
    }
    return count;
  }
}
