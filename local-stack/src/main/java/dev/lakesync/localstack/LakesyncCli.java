package dev.lakesync.localstack;

import dev.lakesync.common.cli.CliArgs;
import dev.lakesync.common.config.ConfigException;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Entry point of {@code ./lakesync}: parses the subcommand and its options, loads the pipeline config and runs
 * the command. Exit status 0 on success, 1 when the work failed, 2 for a usage or config error.
 */
public final class LakesyncCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final Function<String, String> env;
  private final Path home;
  private final Map<String, Command> commands = new LinkedHashMap<>();

  LakesyncCli(PrintStream out, PrintStream err, Function<String, String> env, Path home) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.home = home;
    commands.put("stack", new Command("Start the embedded PostgreSQL and Kafka broker and keep them running until Ctrl-C.",
        String.join("\n",
            "usage: lakesync stack [--config FILE] [--fresh]",
            "",
            "Starts PostgreSQL 14 (logical decoding on; databases bank, warehouse, serving; the bank seeded on first",
            "start) and a single-node Kafka broker (KRaft), on the ports of the pipeline config, with data kept under",
            "its workDir. Prints where they listen and runs until Ctrl-C, then stops both cleanly.",
            "",
            "  --config FILE   pipeline config (default: deploy/local/pipeline.yaml)",
            "  --fresh         wipe the work folder first (seed data, topics, offsets)",
            "",
            "Ports: LAKESYNC_PG_PORT (54329), LAKESYNC_KAFKA_PORT (19092), LAKESYNC_KAFKA_CONTROLLER_PORT (19093)."),
        Set.of("--config"), Set.of("--fresh"), this::stack));
    commands.put("demo", new Command("Run the whole pipeline on this machine with a workload, show progress, then verify.",
        String.join("\n",
            "usage: lakesync demo [--duration D] [--rate N] [--fresh] [--config FILE] [--dashboard-port P | --no-dashboard]",
            "",
            "Starts the embedded PostgreSQL and Kafka, the four stages each as its own process (capture, process,",
            "warehouse, serving; logs in <workDir>/logs), and the workload generator at about --rate changes per",
            "second. Shows each stage's progress while it runs. When --duration is over (or on Ctrl-C) it stops the",
            "workload, waits until every stage has caught up, stops the stages gracefully and runs verify: the last",
            "line is the reconciliation line. Exit status 0 only with mismatches=0.",
            "While it runs, a live page on localhost (URL printed at start) shows freshness per stage and table,",
            "throughput, quarantine reasons, charts of the warehouse's daily aggregates, and customer lookup and search.",
            "",
            "  --duration D        how long the workload runs, e.g. 60s or 5m (default: until Ctrl-C)",
            "  --rate N            changes per second (default 200)",
            "  --fresh             wipe the stack's data (and a lake under the work folder) first",
            "  --config FILE       pipeline config (default: deploy/local/pipeline.yaml)",
            "  --dashboard-port P  the live page's port (default 8090; in use or 0: any free port)",
            "  --no-dashboard      no live page"),
        Set.of("--duration", "--rate", "--config", "--dashboard-port"), Set.of("--fresh", "--no-dashboard"), this::demo));
    commands.put("workload", new Command("Drive inserts, updates and deletes against the source bank database.",
        String.join("\n",
            "usage: lakesync workload [--config FILE] [--rate N] [--duration D] [--seed S] [--bad-share P]",
            "",
            "Connects to the source database of the config (the stack's, or any with the bank schema) and runs a",
            "deterministic mix of inserts, updates and deletes across customers, accounts and payments; a share of",
            "the rows breaks a demo rule (negative amount, unknown currency, bad email). Prints progress every 5 s",
            "and the counts at the end (or on Ctrl-C).",
            "",
            "  --config FILE   pipeline config (default: deploy/local/pipeline.yaml)",
            "  --rate N        operations per second (default 200)",
            "  --duration D    how long, e.g. 60s or 5m (default: until Ctrl-C)",
            "  --seed S        random seed (default 1)",
            "  --bad-share P   share of rule-breaking rows, 0 to 1 (default 0.01)",
            "  --prepare       first create the bank schema and seed it when empty (a database the stack did not",
            "                  start, e.g. docker-compose's), sized by the config's localStack section"),
        Set.of("--config", "--rate", "--duration", "--seed", "--bad-share"), Set.of("--prepare"), this::workload));
    addRunCommand();
    // verify, get and search run in JVMs of their own (./lakesync starts them); listed here for the overview.
    commands.put("verify", new Command("Compare source, lake, warehouse and serving key by key: verify --config FILE; prints the reconciliation line.",
        "usage: lakesync verify --config FILE   (runs through the ./lakesync launcher)",
        Set.of("--config"), Set.of(), options -> {
          throw options.usage("verify runs through the ./lakesync launcher, which starts it with Spark's classpath");
        }));
    commands.put("quarantine", new Command("What the quarantine holds, and its replay under the current rules: quarantine list|replay --config FILE [--table T] [--reason R].",
        "usage: lakesync quarantine list|replay --config FILE [--table SCHEMA.TABLE] [--reason TEXT]   (runs through the ./lakesync launcher)",
        Set.of("--config", "--table", "--reason"), Set.of(), options -> {
          throw options.usage("quarantine runs through the ./lakesync launcher, which starts it with Spark's classpath");
        }));
    commands.put("get", new Command("Print a serving document of a declared type: get TYPE ID [--partition-key K] [--config FILE].",
        "usage: lakesync get TYPE ID [--partition-key K] [--config FILE]   (runs through the ./lakesync launcher)",
        Set.of("--config"), Set.of(), options -> {
          throw options.usage("get runs through the ./lakesync launcher, which starts it with the serving sinks' classpath");
        }));
    commands.put("search", new Command("Full-text search over serving documents of a declared type: search TYPE TEXT [--filter FIELD=VALUE] [--top N] [--config FILE].",
        "usage: lakesync search TYPE TEXT [--filter FIELD=VALUE ...] [--top N] [--config FILE]   (runs through the ./lakesync launcher)",
        Set.of("--config", "--filter", "--top"), Set.of(), options -> {
          throw options.usage("search runs through the ./lakesync launcher, which starts it with the serving sinks' classpath");
        }));
    commands.put("bench", new Command("Run a benchmark: bench capture|process|warehouse|serving|e2e|fuzz|chaos [--quick]; prints one '<name>: key=value' line last.",
        String.join("\n",
            "usage: lakesync bench capture|process|warehouse|serving|e2e|fuzz|chaos [--quick] [--seed S]",
            "",
            "Starts its own embedded PostgreSQL and Kafka (temporary folder, free ports) and runs the stage as its own",
            "process. The last line is 'bench <name>: changes=... throughput_per_s=... p50_ms=... p99_ms=...'.",
            "",
            "  capture   catch-up throughput (changes written while capture is stopped, first to last broker append),",
            "            then source commit -> broker ack latency at 1,000 changes/s",
            "  process   catch-up throughput of the stream-processor over 500,000 changes on repeating keys, then",
            "            event time -> visible in the validated Delta table at 1,000 changes/s",
            "  warehouse initial load of 1,000,000 payments from validated Delta tables into the embedded PostgreSQL",
            "            warehouse, then 10,000 changes loaded incrementally",
            "  serving   documents of 20,000 customers built and written to the local store, then validated-table",
            "            change -> document updated latency, then point reads (read_p50_ms, read_p99_ms)",
            "  e2e       the demo pipeline (stack and four stage processes) at 200 and then 1,000 changes/s: source",
            "            commit -> validated Delta (every change, from the tables' Change Data Feed), -> warehouse and",
            "            -> serving document (every payment, polled every 100 ms); the last line's p50_ms/p99_ms are",
            "            source commit -> serving document at 1,000 changes/s",
            "  fuzz      random schemas and changes through capture and process, the lake compared with the source",
            "            (bench fuzz [--seeds N]; last line 'fuzz: seeds=N tables=T changes=C mismatches=M')",
            "  chaos     the demo pipeline under 100,000 row changes while every stage is killed (kill -9) 24 times",
            "            in all (capture once during its initial snapshot) and the broker and PostgreSQL restart",
            "            (fast and immediate shutdowns); then it drains and verifies. Last line 'chaos: kills=K",
            "            broker_restarts=B source_restarts=S changes=C mismatches=M'; exit 0 only when nothing was",
            "            lost or invented (mismatches=0 and every record on the topics landed and accounted for)",
            "  --quick   a smaller run of the same code (about a minute; e2e: 15 s per rate after its warm-up; chaos:",
            "            6,000 changes, one kill per stage, one broker and two source restarts)",
            "  --seed S  chaos: the seed of its plan and workload (default 1)"),
        Set.of("--seed"), Set.of("--quick"), this::bench));
  }

  private int bench(CliArgs options) throws Exception {
    if (options.positional().size() == 1 && Set.of("process", "warehouse", "serving").contains(options.positional().get(0))) {
      // ./lakesync starts it with Spark's classpath (deploy/jvm); this JVM has the broker's, which Spark cannot share.
      throw options.usage("bench " + options.positional().get(0)
          + " runs through the ./lakesync launcher, which starts it with Spark's classpath");
    }
    if (options.positional().size() == 1 && options.positional().get(0).equals("chaos")) {
      return new dev.lakesync.localstack.demo.ChaosSoak(home, out, options.flag("--quick"),
          options.longValue("--seed", 1)).run();
    }
    if (options.positional().size() == 1 && options.positional().get(0).equals("e2e")) {
      return new dev.lakesync.localstack.demo.EndToEndBenchmark(home, out, options.flag("--quick")).run();
    }
    if (options.positional().size() != 1 || !options.positional().get(0).equals("capture")) {
      throw options.usage(options.positional().isEmpty() ? "name a benchmark: capture"
          : "unknown benchmark '" + String.join(" ", options.positional()) + "' (available: capture, process, warehouse, serving, e2e, fuzz, chaos)");
    }
    return new dev.lakesync.localstack.bench.CaptureBenchmark(home, out, options.flag("--quick")).run();
  }

  private void addRunCommand() {
    commands.put("run", new Command("Run one pipeline stage in the foreground: run capture|process|warehouse|serving --config FILE [--once].",
        String.join("\n",
            "usage: lakesync run <stage> --config FILE [--once]",
            "",
            "Runs one stage against any pipeline config (an external database, Event Hubs, ADLS), the same code",
            "that the demo, spark-submit and Synapse run. Stops gracefully on Ctrl-C / SIGTERM.",
            "",
            "stages:",
            "  capture   Debezium change capture into Kafka / Event Hubs   (lakesync run capture --help)",
            "  process   Spark Structured Streaming into the lake: landing, rules, quarantine, MERGE   (lakesync run process --help)",
            "  warehouse validated tables into dimensions and facts of the warehouse   (lakesync run warehouse --help)",
            "  serving   validated tables into the declared documents in Cosmos DB, AI Search, local   (lakesync run serving --help)"),
        Set.of(), Set.of(), options -> {
          throw options.usage(options.positional().isEmpty() ? "name a stage: capture, process, warehouse or serving"
              : "unknown or unavailable stage '" + options.positional().get(0) + "' (available: capture, process, warehouse, serving)");
        }));
  }

  public static void main(String[] args) {
    String homeProperty = System.getProperty("lakesync.home", ".");
    int status = new LakesyncCli(System.out, System.err, System::getenv, Path.of(homeProperty)).run(args);
    System.exit(status);
  }

  int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      out.println(overview());
      return args.length == 0 ? USAGE : OK;
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      err.println("lakesync: unknown command '" + args[0] + "'");
      err.println(overview());
      return USAGE;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(command.help);
      return OK;
    }
    try {
      CliArgs options = new CliArgs(args[0], rest, command.valued, command.flags);
      if (!options.positional().isEmpty() && !args[0].equals("run") && !args[0].equals("bench")) {
        throw options.usage("unexpected argument '" + options.positional().get(0) + "'");
      }
      return command.action.run(options);
    } catch (CliArgs.UsageException e) {
      err.println(e.getMessage());
      return USAGE;
    } catch (ConfigException e) {
      err.println("lakesync " + args[0] + ": " + e.getMessage());
      return USAGE;
    } catch (Exception e) {
      err.println("lakesync " + args[0] + ": " + describe(e));
      return FAILED;
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += " (" + cause.getMessage() + ")";
    }
    return message;
  }

  private String overview() {
    StringBuilder text = new StringBuilder("lakesync: keeps a Delta lakehouse, a warehouse and serving stores in sync with OLTP databases.\n\n");
    text.append("usage: lakesync <command> [options]    (lakesync <command> --help for its options)\n\ncommands:\n");
    commands.forEach((name, command) -> text.append(String.format("  %-10s %s%n", name, command.summary)));
    return text.toString().stripTrailing();
  }

  private PipelineConfig loadConfig(CliArgs options) {
    Path file = options.string("--config", null) != null ? Path.of(options.string("--config", null))
        : home.resolve("deploy/local/pipeline.yaml");
    return new PipelineConfigLoader(env).load(file);
  }

  private int stack(CliArgs options) throws InterruptedException {
    PipelineConfig config = loadConfig(options);
    long started = System.nanoTime();
    out.println("lakesync stack: starting PostgreSQL and Kafka (data in " + config.workDir().toAbsolutePath().normalize() + ")");
    LocalStack stack = LocalStack.start(config, options.flag("--fresh"));
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean closing = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (closing.compareAndSet(false, true)) {
        out.println("lakesync stack: stopping...");
        stack.close();
        out.println("lakesync stack: stopped; data kept in " + stack.workDir());
        out.flush();
        stopped.countDown();
      }
    }, "lakesync-stack-shutdown"));
    out.printf("lakesync stack: ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
    out.println(stack.describe(config.source().database()));
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return OK;
  }

  private int demo(CliArgs options) throws Exception {
    double rate = options.number("--rate", 200, 1, 100_000);
    Duration duration = options.duration("--duration");
    Path file = options.string("--config", null) != null ? Path.of(options.string("--config", null))
        : home.resolve("deploy/local/pipeline.yaml");
    PipelineConfig config = new PipelineConfigLoader(env).load(file);
    dev.lakesync.localstack.demo.Demo demo = new dev.lakesync.localstack.demo.Demo(home, config, file, out,
        System.console() != null);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      demo.requestStop();
      try {
        finished.await(10, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lakesync-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Integer dashboardPort = options.flag("--no-dashboard") ? null
          : (int) options.number("--dashboard-port", 8090, 0, 65535);
      return demo.run(rate, duration, options.flag("--fresh"), dashboardPort);
    } finally {
      finished.countDown();
    }
  }

  private int workload(CliArgs options) throws SQLException {
    double rate = options.number("--rate", 200, 0.1, 1_000_000);
    Duration duration = options.duration("--duration");
    long seed = options.longValue("--seed", 1);
    double badShare = options.number("--bad-share", 0.01, 0, 1);
    PipelineConfig config = loadConfig(options);

    Connection connection;
    try {
      connection = DriverManager.getConnection(config.source().jdbcUrl(), config.source().jdbcProperties());
    } catch (SQLException e) {
      throw new SQLException("cannot connect to " + config.source().jdbcUrl() + " (is `lakesync stack` running?): "
          + e.getMessage(), e);
    }
    if (options.flag("--prepare")) {
      DemoBank.createSchema(connection);
      if (DemoBank.seedIfEmpty(connection, config.localStack().customers(), config.localStack().accountsPerCustomer(),
          config.localStack().payments(), seed)) {
        out.println("lakesync workload: created and seeded the bank schema");
      }
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.set(true);
      awaitQuietly(finished);
    }, "lakesync-workload-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (WorkloadGenerator generator = new WorkloadGenerator(connection, seed, badShare)) {
      out.printf("lakesync workload: %.0f operations/s against %s%s, seed %d, bad-row share %.3f%n", rate,
          config.source().jdbcUrl(), duration == null ? " until Ctrl-C" : " for " + duration.toSeconds() + " s", seed, badShare);
      Thread progress = new Thread(() -> printProgress(generator, stop), "lakesync-workload-progress");
      progress.setDaemon(true);
      progress.start();
      generator.run(rate, duration, stop::get);
      stop.set(true);
      out.println("lakesync workload: done, " + generator.counts().totalChanges() + " row changes committed");
      out.println(generator.counts().describe());
      out.flush();
    } finally {
      finished.countDown();
      if (!stop.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
    return OK;
  }

  private void printProgress(WorkloadGenerator generator, AtomicBoolean stop) {
    long started = System.nanoTime();
    long last = 0;
    while (!stop.get()) {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        return;
      }
      if (stop.get()) {
        return;
      }
      long total = generator.counts().totalChanges();
      out.printf("  %5.0f s  %d row changes (%d/s), %d rule-breaking%n", (System.nanoTime() - started) / 1e9, total,
          (total - last) / 5, generator.counts().totalViolations());
      last = total;
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A subcommand: its one-line summary, its help, its options and what it does. */
  private static final class Command {
    final String summary;
    final String help;
    final Set<String> valued;
    final Set<String> flags;
    final Action action;

    Command(String summary, String help, Set<String> valued, Set<String> flags, Action action) {
      this.summary = summary;
      this.help = help;
      this.valued = valued;
      this.flags = flags;
      this.action = action;
    }
  }

  @FunctionalInterface
  private interface Action {
    int run(CliArgs options) throws Exception;
  }

}
