package dev.lakesync.bench.fuzz;

import dev.lakesync.bench.BenchMain;
import dev.lakesync.bench.BenchStack;
import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.localstack.EmbeddedMariaDbServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./lakesync bench fuzz [--seeds N] [--first S] [--source postgresql|mariadb|all]}: the differential test of
 * the whole capture and processing path against real source databases, on random schemas and changes, one seed at a
 * time. Its last line is {@code fuzz: seeds=N tables=T changes=C mismatches=M}; exit status 0 only with
 * mismatches=0.
 */
public final class FuzzMain {
  /** Seeds run side by side through one pipeline: capture's and the processor's start-up is paid once for them. */
  static final int GROUP = 5;

  private FuzzMain() {
  }

  public static void main(String[] args) throws Exception {
    Commands.BenchFuzz options = new Commands.BenchFuzz();
    OptionalInt parsed = StageMain.parse(options, args, System.out, System.err);
    if (parsed.isPresent()) {
      System.exit(parsed.getAsInt());
    }
    long first = options.first;
    int seeds = options.seeds;
    String source = options.source.name();
    Path home = Path.of(System.getProperty("lakesync.home", ".")).toAbsolutePath();
    Path dir = Files.createTempDirectory("lakesync-fuzz");
    long mismatches = run(home, dir, first, seeds, source, System.out);
    if (mismatches == 0) {
      BenchMain.deleteRecursively(dir);
    }
    System.exit(mismatches == 0 ? 0 : 1);
  }

  /** A MariaDB server when the source asks for one and the package is installed; null otherwise. */
  private static EmbeddedMariaDbServer mariaDb(String source, Path dir, PrintStream out) throws Exception {
    if (source.equals("postgresql")) {
      return null;
    }
    if (!EmbeddedMariaDbServer.installed()) {
      out.println("fuzz: MariaDB is not installed (apt-get install mariadb-server): PostgreSQL only");
      return null;
    }
    return EmbeddedMariaDbServer.start(dir.resolve("mariadb"));
  }

  /** Runs the seeds in {@code dir} (kept: a failing seed's lake and logs are there); returns the mismatches. */
  static long run(Path home, Path dir, long first, int seeds, String source, PrintStream out) throws Exception {
    Path stackConfig = dir.resolve("stack.yaml");
    Files.writeString(stackConfig, String.join("\n",
        "workDir: " + dir.resolve("stack"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + BenchMain.freePort() + ", database: fuzz, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:" + BenchMain.freePort() + "'}",
        "lake: {root: " + dir.resolve("stack-lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]",
        "localStack: {kafkaControllerPort: " + BenchMain.freePort() + ", customers: 1, accountsPerCustomer: 1, payments: 1}", ""));
    PipelineConfig stack = new PipelineConfigLoader(name -> null).load(stackConfig);
    long mismatches = 0;
    int tables = 0;
    int changes = 0;
    List<String> failed = new ArrayList<>();
    try (BenchStack running = BenchStack.start(home, stackConfig, dir.resolve("stack.log"));
         EmbeddedMariaDbServer mariadb = mariaDb(source, dir, out)) {
      // Ctrl-C: stop the stack and MariaDB too, not only this JVM.
      Thread stopServers = new Thread(() -> {
        try {
          if (mariadb != null) {
            mariadb.close();
          }
          running.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "fuzz-stop-servers");
      Runtime.getRuntime().addShutdownHook(stopServers);
      List<FuzzDialect> dialects = new ArrayList<>();
      if (!source.equals("mariadb")) {
        dialects.add(new PostgresFuzz(stack.source().port(), stack.source().database()));
      }
      if (mariadb != null) {
        dialects.add(new MariaDbFuzz(mariadb.port()));
      }
      if (dialects.isEmpty()) {
        throw new IllegalStateException("no source to fuzz: MariaDB is not installed (apt-get install mariadb-server)");
      }
      SparkSession spark = SparkSessions.create(stack, "lakesync-fuzz");
      try {
        for (long group = first; group < first + seeds; group += GROUP) {
          List<Long> groupSeeds = new ArrayList<>();
          for (long seed = group; seed < Math.min(group + GROUP, first + seeds); seed++) {
            groupSeeds.add(seed);
          }
          for (FuzzDialect dialect : dialects) {
            List<FuzzRun.Result> results = new FuzzRun(home, dialect, stack.broker().bootstrapServers().get(0), spark)
                .run(groupSeeds, dir.resolve(dialect.sourceType() + "-" + group));
            for (FuzzRun.Result result : results) {
              tables += result.tables;
              changes += result.changes;
              mismatches += result.mismatches;
              out.printf("fuzz: seed=%d source=%s tables=%d changes=%d mismatches=%d (%s)%n", result.seed,
                  dialect.sourceType(), result.tables, result.changes, result.mismatches, result.timing);
              if (result.mismatches > 0) {
                out.print(result.report);
                failed.add(dialect.sourceType() + " seed " + result.seed + " (again with --first " + group + " --seeds "
                    + groupSeeds.size() + ")");
              }
            }
          }
        }
      } finally {
        spark.stop();
        Runtime.getRuntime().removeShutdownHook(stopServers);
      }
    }
    if (!failed.isEmpty()) {
      out.println("fuzz: failed: " + String.join(", ", failed) + "; their config, logs and lake are under " + dir
          + "; a seed's tables stay in the source");
    }
    out.printf("fuzz: seeds=%d tables=%d changes=%d mismatches=%d%n", seeds, tables, changes, mismatches);
    return mismatches;
  }
}
