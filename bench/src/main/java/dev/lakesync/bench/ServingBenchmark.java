package dev.lakesync.bench;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.config.DemoPipeline;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.serving.ServingSync;
import dev.lakesync.serving.sinks.Document;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.LocalDocumentStore;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakesync bench serving}: validated Delta tables of the demo bank (20,000 customers, 40,000 accounts,
 * 400,000 payments; --quick a tenth) written straight with Spark; every customer document (as the bank's config
 * declares it) built and written to
 * the local store (documents per second, in a fresh JVM, then again once warm, then the median of three more); then,
 * with a sync running in a loop, rounds of 20 customer updates committed to the validated table, each timed until its
 * document shows it (p50/p99); then point reads. The floor: the same documents, already built, written again to the
 * same store; {@code ratio} is the steady rebuild's rate over the floor's.
 */
public final class ServingBenchmark {
  private static final int CHANGES_PER_ROUND = 20;
  /** The bank's document type, as deploy/local/pipeline.yaml declares it. */
  private static final String TYPE = "customer";
  /**
   * The sync loop's pause after a pass that found nothing new. Without one it reads the tables' versions and the
   * saved progress back to back, taking the CPU from the MERGE and the sync being timed. A deployed loop waits
   * seconds (--interval); this adds at most the pause.
   */
  private static final long IDLE_MS = 100;

  private final Path home;
  private final PrintStream out;
  private final boolean quick;

  ServingBenchmark(Path home, PrintStream out, boolean quick) {
    this.home = home;
    this.out = out;
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    BenchMain.main(new Commands.BenchServing(), command -> command.quick.quick, args,
        (home, out, quick) -> new ServingBenchmark(home, out, quick).run());
  }

  int run() throws Exception {
    long customers = quick ? 2_000 : 20_000;
    int rounds = quick ? 10 : 30;
    int reads = quick ? 2_000 : 10_000;
    Path work = Files.createTempDirectory("lakesync-bench-serving-");
    int pgPort = BenchMain.freePort();
    Path configFile = BenchLake.writeBankConfig(work, pgPort,
        "serving:\n  sinks: [local]\n  local: {jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + pgPort + "/serving', user: postgres}\n"
            + DemoPipeline.block(home, "serving", "documents"));
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(configFile);
    out.printf("bench serving: %s run, %d customers, %d accounts, %d payments (work in %s)%n",
        quick ? "quick" : "full", customers, customers * 2, customers * 20, work);
    try (BenchStack stack = BenchStack.start(home, configFile, work.resolve("stack.log"))) {
      SparkSession spark = SparkSessions.create(config, "lakesync-bench-serving");
      try (LocalDocumentStore store = LocalDocumentStore.open(config.serving().orElseThrow().local().orElseThrow())) {
        LakePaths paths = new LakePaths(config.lake().root());
        BenchLake.writeBank(spark, paths, customers, customers * 2, customers * 20);

        long started = System.nanoTime();
        long documents;
        List<DocumentType> types;
        try (ServingSync sync = new ServingSync(config, spark, out)) {
          documents = sync.syncOnce();
          types = sync.documentTypes();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double throughput = documents / seconds;
        out.printf(Locale.ROOT, "bench serving: %d documents built and written in %.1f s = %.0f documents/s%n",
            documents, seconds, throughput);
        // The same rebuild again (progress forgotten): what a long-running sync job's JVM does once warm. The JIT is
        // still at work in the second one, so three more give the steady rate (their median).
        double warmThroughput = rebuild(config, spark, work);
        out.printf(Locale.ROOT, "bench serving: the same rebuild in a warm JVM: %.0f documents/s%n", warmThroughput);
        List<Double> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          later.add(rebuild(config, spark, work));
        }
        double steadyThroughput = percentile(later, 50);
        out.printf(Locale.ROOT, "bench serving: three more rebuilds: %s documents/s, median %.0f%n",
            later.stream().map(rate -> String.format(Locale.ROOT, "%.0f", rate)).collect(Collectors.joining(", ")),
            steadyThroughput);
        if (store.count(TYPE) != customers) {
          out.printf("bench serving: expected %d documents in the local store, found %d%n", customers, store.count(TYPE));
          return 1;
        }
        // The floor: the same documents, already built, written again to the same store (warm, as the steady rate).
        List<Document> built = builtDocuments(config);
        double floorThroughput;
        try (LocalDocumentStore writer = LocalDocumentStore.open(config.serving().orElseThrow().local().orElseThrow(), types)) {
          long floorStarted = System.nanoTime();
          writer.write(built);
          floorThroughput = built.size() / ((System.nanoTime() - floorStarted) / 1e9);
        }
        out.printf(Locale.ROOT, "bench serving: floor (the %d built documents written again): %.0f documents/s%n",
            built.size(), floorThroughput);

        List<Long> latencies = changeLatencies(spark, paths, config, store, customers, rounds);
        List<Double> readMs = pointReads(store, customers, reads);
        out.printf(Locale.ROOT, "bench serving: changes=%d throughput_per_s=%.0f warm_throughput_per_s=%.0f "
                + "steady_throughput_per_s=%.0f floor_throughput_per_s=%.0f ratio=%.2f p50_ms=%d "
                + "p99_ms=%d read_p50_ms=%.2f read_p99_ms=%.2f latency_changes=%d reads=%d%n",
            documents, throughput, warmThroughput, steadyThroughput, floorThroughput, steadyThroughput / floorThroughput,
            percentile(latencies, 50), percentile(latencies, 99), percentile(readMs, 50), percentile(readMs, 99),
            latencies.size(), readMs.size());
        return 0;
      } finally {
        spark.stop();
      }
    } finally {
      BenchMain.deleteRecursively(work);
    }
  }

  /** The documents the store holds, as the sync built them (the floor writes them again). */
  private static List<Document> builtDocuments(PipelineConfig config) throws java.sql.SQLException {
    List<Document> documents = new ArrayList<>();
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(
            config.serving().orElseThrow().local().orElseThrow().jdbcUrl(), "postgres", "");
         java.sql.Statement statement = connection.createStatement();
         java.sql.ResultSet rows = statement.executeQuery("SELECT doc_type, id, partition_key, source_pos, doc::text, "
             + "coalesce(search_doc::text, '{}') FROM lakesync_documents WHERE NOT deleted")) {
      while (rows.next()) {
        documents.add(Document.upsert(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
            rows.getString(5), rows.getString(6)));
      }
    }
    return documents;
  }

  /** Every document rebuilt and written again, the sink's progress forgotten; documents per second. */
  private double rebuild(PipelineConfig config, SparkSession spark, Path work) throws Exception {
    Files.delete(work.resolve("lake/_state/serving-sync/progress-local.properties"));
    long started = System.nanoTime();
    long rebuilt;
    try (ServingSync sync = new ServingSync(config, spark, out)) {
      rebuilt = sync.syncOnce();
    }
    return rebuilt / ((System.nanoTime() - started) / 1e9);
  }

  /** Rounds of customer updates committed to the validated table while a sync loops; ms until each shows. */
  private List<Long> changeLatencies(SparkSession spark, LakePaths paths, PipelineConfig config,
      LocalDocumentStore store, long customers, int rounds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Exception> failure = new AtomicReference<>();
    ServingSync sync = new ServingSync(config, spark, new PrintStream(new ByteArrayOutputStream(), true));
    Thread loop = new Thread(() -> {
      try (sync) {
        while (!stop.get()) {
          if (sync.syncOnce() == 0) {
            Thread.sleep(IDLE_MS);
          }
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }, "bench-serving-sync");
    loop.start();
    DeltaTable table = DeltaTable.forPath(spark, paths.validated("bank", "customers"));
    Random random = new Random(42);
    List<Long> latencies = new ArrayList<>();
    try {
      for (int round = 1; round <= rounds && failure.get() == null; round++) {
        List<Long> ids = new ArrayList<>();
        while (ids.size() < CHANGES_PER_ROUND) {
          long id = 1 + (long) random.nextInt((int) customers);
          if (!ids.contains(id)) {
            ids.add(id);
          }
        }
        String marker = "r" + round;
        StringBuilder idList = new StringBuilder();
        ids.forEach(id -> idList.append(idList.length() == 0 ? "" : ",").append(id));
        table.as("t").merge(spark.sql("SELECT id, concat('Customer ', id, ' " + marker + "') AS name, "
                + "concat(lpad(cast(" + (1_000_000_000L * round) + " + id AS string), 20, '0'), '/00000000000000000000') "
                + "AS pos FROM explode(array(" + idList + ")) AS ids(id)").as("s"), "t.id = s.id")
            .whenMatched().updateExpr(Map.of("name", "s.name", "_op", "'u'", "_source_pos", "s.pos",
                "updated_at", "current_timestamp()", "_source_ts_ms", "unix_millis(current_timestamp())"))
            .execute();
        long committed = System.nanoTime();
        Map<Long, Boolean> pending = new HashMap<>();
        ids.forEach(id -> pending.put(id, true));
        while (!pending.isEmpty() && failure.get() == null) {
          for (Long id : new ArrayList<>(pending.keySet())) {
            String document = store.get(TYPE, Long.toString(id), Long.toString(id)).orElse("");
            if (document.contains(" " + marker + "\"")) {
              latencies.add((System.nanoTime() - committed) / 1_000_000);
              pending.remove(id);
            }
          }
          if (System.nanoTime() - committed > 120_000_000_000L) {
            throw new IllegalStateException("documents of round " + round + " not updated within 120 s: " + pending.keySet());
          }
          Thread.sleep(10);
        }
        out.printf(Locale.ROOT, "bench serving: round %d/%d, %d changes visible, p50 so far %d ms%n", round, rounds,
            latencies.size(), percentile(latencies, 50));
      }
    } finally {
      stop.set(true);
      loop.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return latencies;
  }

  private static List<Double> pointReads(LocalDocumentStore store, long customers, int reads) throws Exception {
    Random random = new Random(7);
    List<Double> latencies = new ArrayList<>(reads);
    for (int i = 0; i < reads; i++) {
      String id = Long.toString(1 + random.nextInt((int) customers));
      long started = System.nanoTime();
      if (store.get(TYPE, id, id).isEmpty()) {
        throw new IllegalStateException("no document for customer " + id);
      }
      latencies.add((System.nanoTime() - started) / 1e6);
    }
    return latencies;
  }

  private static <T extends Comparable<T>> T percentile(List<T> values, int percentile) {
    List<T> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
  }
}
