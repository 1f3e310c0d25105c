package dev.lakesync.common.cli;

import dev.lakesync.common.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Every {@code ./lakesync} command's options and help, declared once. {@link CommandTree} puts them in one tree for
 * {@code ./lakesync --help} and completion; each stage's entry point parses its own arguments with the same class,
 * in the JVM the launcher starts for it. Plain option holders: no dependency on the stages' code.
 */
public final class Commands {
  private Commands() {
  }

  /** {@code -h, --help} on every command. */
  public static final class Help {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
  }

  /** {@code --config FILE}, required: a stage needs to be told which pipeline. */
  public static final class RequiredConfig {
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "Pipeline config (required).")
    public Path file;
  }

  /** {@code --config FILE}, defaulting to the embedded stack's config. */
  public static final class LocalConfig {
    @Option(names = "--config", paramLabel = "FILE",
        description = "Pipeline config (default: deploy/local/pipeline.yaml).")
    public Path file;

    /** The given file, or the embedded stack's config under the lakesync home. */
    public Path orDefault(Path home) {
      return file != null ? file : home.resolve("deploy/local/pipeline.yaml");
    }
  }

  /** {@code --metrics-port N} and {@code --metrics-address A}: where a stage serves /metrics and /health. */
  public static final class Metrics {
    @Option(names = "--metrics-port", paramLabel = "N",
        description = "Serve /metrics (Prometheus) and /health on port N (default: none; 0 picks a free port).")
    public int port = -1;
    @Option(names = "--metrics-address", paramLabel = "A", description = "The address /metrics listens on (default "
        + "127.0.0.1: this machine only; 0.0.0.0 for every interface, e.g. for a Prometheus elsewhere).")
    public String address = "127.0.0.1";
  }

  /** A duration such as 500ms, 60s, 5m or 1h. */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return Durations.parse(text).orElseThrow(() ->
          new TypeConversionException("expects a duration such as 60s, 5m or 1h, got '" + text + "'"));
    }
  }

  static double within(CommandSpec spec, String option, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new ParameterException(spec.commandLine(), option + " expects a number from " + plain(min) + " to "
          + plain(max) + ", got " + plain(value));
    }
    return value;
  }

  private static String plain(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }

  // ---------------------------------------------------------------- the root and the embedded stack

  @Command(name = "lakesync", synopsisSubcommandLabel = "COMMAND",
      description = "Keeps a Delta lakehouse, a SQL warehouse and serving stores in sync with OLTP databases.",
      footer = {"", "Run 'lakesync COMMAND --help' for a command's options."})
  public static final class Root {
    @Mixin
    Help help;
  }

  @Command(name = "stack", description = {
      "Start the embedded PostgreSQL and Kafka broker and keep them running until Ctrl-C.",
      "",
      "PostgreSQL 14 (logical decoding on; databases bank, warehouse, serving; the bank seeded on first start) and a "
          + "single-node Kafka broker (KRaft), on the ports of the pipeline config, with data kept under its workDir. "
          + "Prints where they listen; on Ctrl-C stops both cleanly."},
      footer = {"", "Ports: LAKESYNC_PG_PORT (54329), LAKESYNC_KAFKA_PORT (19092), LAKESYNC_KAFKA_CONTROLLER_PORT (19093)."})
  public static final class Stack {
    @Mixin
    Help help;
    @Mixin
    public LocalConfig config;
    @Option(names = "--fresh", description = "Wipe the work folder first (seed data, topics, offsets).")
    public boolean fresh;
  }

  @Command(name = "demo", description = {
      "Run the whole pipeline on this machine with a workload, show progress, then verify.",
      "",
      "Starts the embedded PostgreSQL and Kafka, the four stages each as its own process (capture, process, "
          + "warehouse, serving; logs in <workDir>/logs) and the workload generator. When --duration is over (or on "
          + "Ctrl-C) it stops the workload, waits until every stage has caught up, stops the stages and runs verify: "
          + "the last line is the reconciliation line. Exit status 0 only with mismatches=0.",
      "A live page on localhost (URL printed at start) shows freshness per stage and table, throughput, quarantine "
          + "reasons, the warehouse's daily aggregates, and customer lookup and search."})
  public static final class Demo {
    @Spec
    CommandSpec spec;
    @Mixin
    Help help;
    @Mixin
    public LocalConfig config;
    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
        description = "How long the workload runs, e.g. 60s or 5m (default: until Ctrl-C).")
    public Duration duration;
    public double rate = 200;
    @Option(names = "--fresh", description = "Wipe the stack's data (and a lake under the work folder) first.")
    public boolean fresh;
    public int dashboardPort = 8090;
    @Option(names = "--no-dashboard", description = "No live page.")
    public boolean noDashboard;

    @Option(names = "--rate", paramLabel = "N", description = "Changes per second (default 200).")
    void rate(double value) {
      rate = within(spec, "--rate", value, 1, 100_000);
    }

    @Option(names = "--dashboard-port", paramLabel = "P",
        description = "The live page's port (default 8090; in use or 0: any free port).")
    void dashboardPort(int value) {
      dashboardPort = (int) within(spec, "--dashboard-port", value, 0, 65_535);
    }
  }

  @Command(name = "workload", description = {
      "Drive inserts, updates and deletes against the source bank database.",
      "",
      "Connects to the source database of the config (the stack's, or any with the bank schema) and runs a "
          + "deterministic mix of inserts, updates and deletes across customers, accounts and payments; a share of "
          + "the rows breaks a demo rule (negative amount, unknown currency, bad email). Prints progress every 5 s "
          + "and the counts at the end (or on Ctrl-C)."})
  public static final class Workload {
    @Spec
    CommandSpec spec;
    @Mixin
    Help help;
    @Mixin
    public LocalConfig config;
    public double rate = 200;
    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
        description = "How long, e.g. 60s or 5m (default: until Ctrl-C).")
    public Duration duration;
    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1).")
    public long seed = 1;
    public double badShare = 0.01;
    @Option(names = "--prepare", description = "First create the bank schema and seed it when empty (a database the "
        + "stack did not start, e.g. docker-compose's), sized by the config's localStack section.")
    public boolean prepare;

    @Option(names = "--rate", paramLabel = "N", description = "Operations per second (default 200).")
    void rate(double value) {
      rate = within(spec, "--rate", value, 0.1, 1_000_000);
    }

    @Option(names = "--bad-share", paramLabel = "P", description = "Share of rule-breaking rows, 0 to 1 (default 0.01).")
    void badShare(double value) {
      badShare = within(spec, "--bad-share", value, 0, 1);
    }
  }

  // ---------------------------------------------------------------- the stages

  @Command(name = "run", synopsisSubcommandLabel = "STAGE", description = {
      "Run one pipeline stage in the foreground.",
      "",
      "Runs one stage against any pipeline config (an external database, Event Hubs, ADLS), the same code that the "
          + "demo, spark-submit and Synapse run. Stops gracefully on Ctrl-C / SIGTERM."})
  public static final class Run {
    @Mixin
    Help help;
  }

  @Command(name = "capture", description = {
      "Debezium change capture into Kafka / Event Hubs.",
      "",
      "Captures row changes of the config's tables with Debezium and publishes them to its broker (Kafka or Event "
          + "Hubs). Offsets are committed only for changes the broker acknowledged; a restart resumes there."})
  public static final class RunCapture {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
    @Option(names = "--once", description = "Stop when the source has been idle for 5 s (batch mode).")
    public boolean once;
    @Mixin
    public Metrics metrics;
    @Option(names = "--status-interval", paramLabel = "D", converter = DurationConverter.class, defaultValue = "10s",
        description = "A status line every D (default 10s).")
    public Duration statusInterval;
  }

  @Command(name = "process", description = {
      "Spark Structured Streaming into the lake: landing, rules, quarantine, MERGE.",
      "",
      "Reads the pipeline's topics, lands every record in landing/<schema>/<table>, quarantines what fails its "
          + "checks and rules with the reason, and MERGEs the rest into validated/<schema>/<table> in source order."})
  public static final class RunProcess {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
    @Mixin
    public Metrics metrics;
    @Option(names = "--once", description = "Process what the topics hold now, then exit (available-now).")
    public boolean once;
    @Option(names = "--trigger", paramLabel = "D", converter = DurationConverter.class, defaultValue = "1s",
        description = "Micro-batch interval when continuous (default 1s).")
    public Duration trigger;
    @Option(names = "--max-offsets-per-trigger", paramLabel = "N",
        description = "Cap on records per micro-batch (default: none).")
    public long maxOffsetsPerTrigger;
    @Option(names = "--with", paramLabel = "STAGE", split = ",",
        description = "Also run these stages in the same Spark application: warehouse, serving (comma-separated). "
            + "With --once, each makes one pass after the processor; otherwise each passes every --follow-interval "
            + "beside the stream, and the first to give up stops the application.")
    public List<String> with = new ArrayList<>();
    @Option(names = "--follow-interval", paramLabel = "D", converter = DurationConverter.class, defaultValue = "2s",
        description = "Time between the --with stages' passes (default 2s).")
    public Duration followInterval;
  }

  @Command(name = "warehouse", description = {
      "Validated tables into the dimensions, facts and aggregates of the warehouse.",
      "",
      "Loads the models declared under warehouse.models (dimensions of type 1 or 2, facts with lookups, aggregates) "
          + "from the validated Delta tables' changes since the last load into the warehouse of the config "
          + "(PostgreSQL, Synapse dedicated SQL pool, SQL Server). Each load is one warehouse transaction that also "
          + "records the Delta versions loaded. A model that does not match the lake stops the stage (exit 2)."})
  public static final class RunWarehouse {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
    @Mixin
    public Metrics metrics;
    @Option(names = "--once", description = "Load what is there now, then exit.")
    public boolean once;
    @Option(names = "--interval", paramLabel = "D", converter = DurationConverter.class, defaultValue = "10s",
        description = "Time between loads when not --once (default 10s).")
    public Duration interval;
  }

  @Command(name = "serving", description = {
      "Validated tables into the declared documents in Cosmos DB, AI Search or the local store.",
      "",
      "Rebuilds every document of the types declared under serving.documents that a change in the validated Delta "
          + "tables touched since the last sync (its root row, a child row, a looked-up parent row) and writes it to "
          + "the serving sinks of the config. A deleted root row's document is deleted. A sink never replaces a "
          + "document reflecting a newer source position; each sink's progress is saved under "
          + "<lake>/_state/serving-sync once it confirmed the writes. A type whose declaration (or the shape of the "
          + "columns it takes) changed is rebuilt whole."})
  public static final class RunServing {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
    @Mixin
    public Metrics metrics;
    @Option(names = "--once", description = "Sync what is there now, then exit.")
    public boolean once;
    @Option(names = "--interval", paramLabel = "D", converter = DurationConverter.class, defaultValue = "5s",
        description = "Time between syncs when not --once (default 5s).")
    public Duration interval;
  }

  @Command(name = "verify", description = {
      "Compare source, lake, warehouse and serving key by key; prints the reconciliation line.",
      "",
      "Compares every source table with the validated Delta tables key by key, then each declared warehouse "
          + "dimension and fact (computed from the lake with the same model) and the serving documents with the lake. "
          + "Rows that differ only because their newest change was quarantined are counted apart. Lists the first "
          + "differing keys, then prints last:",
      "  reconciliation: tables=N source_rows=X lake_rows=Y warehouse_rows=Z serving_docs=W mismatches=M",
      "Run it when the pipeline has caught up (the demo drains first). Exit status 0 only if mismatches=0."})
  public static final class Verify {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
  }

  /** What {@code quarantine} does. */
  public enum QuarantineAction { list, replay }

  @Command(name = "quarantine", description = {
      "What the quarantine holds, and its replay under the current rules.",
      "",
      "  list     per table, the quarantined events waiting by reason, how many were replayed, and a few samples",
      "  replay   judge the waiting events again under the config's current checks and rules; apply those that pass "
          + "through the same MERGE as the stream (an old event never overwrites a newer row) and mark them replayed; "
          + "the others stay quarantined"},
      footer = {"", "The last line: 'quarantine: tables=N waiting=W replayed=R' (list) or 'quarantine: tables=N "
          + "considered=C applied=A superseded=S dropped=D still_quarantined=Q' (replay)."})
  public static final class Quarantine {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
    @Parameters(index = "0", paramLabel = "ACTION", description = "list or replay.")
    public QuarantineAction action;
    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "One configured table (default: all).")
    public String table;
    @Option(names = "--reason", paramLabel = "TEXT",
        description = "Only events with a reason starting with TEXT, e.g. 'rule amount_positive'.")
    public String reason;
  }

  @Command(name = "get", description = {
      "Print a serving document of a declared type.",
      "",
      "Prints the serving document of declared type TYPE with id ID (one JSON object) from the first sink of the "
          + "config that serves point reads (local, cosmos). Exit status 1 when there is no such document."})
  public static final class Get {
    @Mixin
    Help help;
    @Mixin
    public LocalConfig config;
    @Parameters(index = "0", paramLabel = "TYPE", description = "A document type declared under serving.documents.")
    public String type;
    @Parameters(index = "1", paramLabel = "ID", description = "The document's id.")
    public String id;
    @Option(names = "--partition-key", paramLabel = "K", description = "The document's partition key when it is not "
        + "its id (Cosmos DB reads by both; without it Cosmos DB is queried across partitions).")
    public String partitionKey;
  }

  @Command(name = "search", description = {
      "Full-text search over serving documents of a declared type.",
      "",
      "Searches the searchable fields of declared document type TYPE (words match as prefixes) in the first sink of "
          + "the config that serves search (search, local); prints one JSON document per line, best first."})
  public static final class Search {
    @Spec
    CommandSpec spec;
    @Mixin
    Help help;
    @Mixin
    public LocalConfig config;
    @Parameters(index = "0", paramLabel = "TYPE", description = "A document type declared under serving.documents.")
    public String type;
    @Parameters(index = "1", paramLabel = "TEXT", description = "The words to look for; \"\" to list by filters only.")
    public String text;
    @Option(names = "--filter", paramLabel = "FIELD=VALUE", description = "Only documents whose filterable search "
        + "field FIELD equals VALUE (a list field: any element); repeat for several.")
    public List<String> filters = new ArrayList<>();
    public int top = 10;

    @Option(names = "--top", paramLabel = "N", description = "At most N results (default 10).")
    void top(int value) {
      top = (int) within(spec, "--top", value, 1, 1000);
    }
  }

  // ---------------------------------------------------------------- benchmarks

  @Command(name = "bench", synopsisSubcommandLabel = "BENCHMARK", description = {
      "Run a benchmark; its last line is '<name>: key=value ...'.",
      "",
      "Each starts its own embedded PostgreSQL and Kafka (temporary folder, free ports) and runs the stages as they "
          + "run in production."})
  public static final class Bench {
    @Mixin
    Help help;
  }

  /** {@code --quick}: a smaller run of the same code. */
  public static final class Quick {
    @Option(names = "--quick", description = "A smaller run of the same code.")
    public boolean quick;
  }

  @Command(name = "capture", description = {
      "Capture's catch-up throughput and latency.",
      "",
      "Catch-up throughput (changes written while capture is stopped, first to last broker append), then source "
          + "commit -> broker ack latency at 1,000 changes/s."})
  public static final class BenchCapture {
    @Mixin
    Help help;
    @Mixin
    public Quick quick;
  }

  @Command(name = "process", description = {
      "The stream-processor's catch-up throughput and latency.",
      "",
      "Catch-up throughput over a topic pre-filled with changes on repeating keys (500,000; --quick 50,000), in a "
          + "fresh JVM and again in the same JVM, then event time -> visible in the validated Delta table at 1,000 changes/s (30 s; --quick 10 s).",
      "The same topic also goes through Delta Lake's foreachBatch upsert recipe (the baseline: ratio= is lakesync's "
          + "catch-up over the recipe's, p99_ratio= its steady p99 over the recipe's at the same rate) and through a "
          + "read-and-parse-only pass (the floor), each in a JVM of its own.",
      "With --table-rows N, also a batch of 5,000 updates to random existing keys into a validated table of N/10 rows "
          + "and one of N rows, in the same run: growth_ratio= is the second batch's time over the first's."})
  public static final class BenchProcess {
    @Mixin
    Help help;
    @Mixin
    public Quick quick;
    @Option(names = "--table-rows", paramLabel = "N", description = "Also measure an update batch into a table of "
        + "N/10 and of N rows (at least 10; 0, the default, skips it).")
    public long tableRows;
  }

  @Command(name = "warehouse", description = {
      "The warehouse loader's initial and incremental load against PostgreSQL COPY.",
      "",
      "Initial load of 1,000,000 payments (with 10,000 customers and 20,000 accounts; --quick a tenth) from validated "
          + "Delta tables into the embedded PostgreSQL warehouse, then 10,000 changes loaded incrementally; the floor "
          + "is the same rows by Spark CSV and PostgreSQL COPY into plain tables."})
  public static final class BenchWarehouse {
    @Mixin
    Help help;
    @Mixin
    public Quick quick;
  }

  @Command(name = "serving", description = {
      "Serving documents built and written, their freshness and point reads.",
      "",
      "Builds and writes the documents of 20,000 customers (40,000 accounts, 400,000 payments; --quick a tenth) to "
          + "the local store, then validated-table change -> document updated latency, then point reads; the floor is "
          + "the same built documents written again."})
  public static final class BenchServing {
    @Mixin
    Help help;
    @Mixin
    public Quick quick;
  }

  @Command(name = "e2e", description = {
      "The demo pipeline's freshness at 200 and then 1,000 changes/s.",
      "",
      "Source commit -> validated Delta (every change, from the tables' Change Data Feed), -> warehouse and -> serving "
          + "document (every payment, polled every 100 ms); the last line's p50_ms/p99_ms are source commit -> serving "
          + "document at 1,000 changes/s. --quick: 15 s per rate after its warm-up."})
  public static final class BenchEndToEnd {
    @Mixin
    Help help;
    @Mixin
    public Quick quick;
  }

  @Command(name = "e2e-lake", hidden = true, description = {
      "Part of bench e2e (run that instead): source commit -> validated Delta latency per window.",
      "",
      "For the changes committed at the source within each window, the latency from source commit to the validated "
          + "Delta commit that made them visible, read from the tables' Change Data Feed. One line per window:",
      "  lake: window=LABEL changes=N p50_ms=X p99_ms=Y max_ms=Z"})
  public static final class BenchLakeFreshness {
    @Mixin
    Help help;
    @Mixin
    public RequiredConfig config;
    @Option(names = "--windows", paramLabel = "LABEL:FROM_MS:TO_MS[,...]", required = true, split = ",",
        description = "The windows to measure.")
    public List<String> windows;
  }

  /** Where {@code bench fuzz} runs its seeds. */
  public enum FuzzSource { postgresql, mariadb, all }

  @Command(name = "fuzz", description = {
      "Random schemas and changes through capture and process, the lake compared with the source.",
      "",
      "Makes up tables (odd column names, composite keys, many types, large values) and changes (inserts, updates of "
          + "some columns, deletes, key changes, truncates, transactions over several tables) from each seed, applies "
          + "them to a real source database, captures and processes them as lakesync does, and compares the lake with "
          + "the source value by value. Seeds run five at a time through one pipeline, each in its own schema. A "
          + "failing seed is printed with its differences and the options that run its group again.",
      "Last line: fuzz: seeds=N tables=T changes=C mismatches=M; exit status 0 only if mismatches=0."})
  public static final class BenchFuzz {
    @Spec
    CommandSpec spec;
    @Mixin
    Help help;
    public int seeds = 50;
    @Option(names = "--first", paramLabel = "S", description = "The first seed (default 1).")
    public long first = 1;
    @Option(names = "--source", paramLabel = "SOURCE", description = "postgresql, mariadb or all (default): MariaDB "
        + "where it is installed (apt-get install mariadb-server).")
    public FuzzSource source = FuzzSource.all;

    @Option(names = "--seeds", paramLabel = "N", description = "How many seeds (default 50).")
    void seeds(int value) {
      seeds = (int) within(spec, "--seeds", value, 1, 1_000_000);
    }
  }

  @Command(name = "chaos", description = {
      "The demo pipeline while every stage is killed and the broker and PostgreSQL restart.",
      "",
      "100,000 row changes while every stage is killed (kill -9) 24 times in all (capture once during its initial "
          + "snapshot) and the broker and PostgreSQL restart (fast and immediate shutdowns); then it drains and "
          + "verifies. Last line 'chaos: kills=K broker_restarts=B source_restarts=S changes=C mismatches=M'; exit 0 "
          + "only when nothing was lost or invented (mismatches=0 and every record on the topics landed and "
          + "accounted for). --quick: 6,000 changes, one kill per stage, one broker and two source restarts."})
  public static final class BenchChaos {
    @Mixin
    Help help;
    @Mixin
    public Quick quick;
    @Option(names = "--seed", paramLabel = "S", description = "The seed of its plan and workload (default 1).")
    public long seed = 1;
  }
}
