package dev.lakesync.serving;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.common.SideBySide;
import dev.lakesync.serving.sinks.CustomerDocument;
import dev.lakesync.serving.sinks.DocumentSink;
import dev.lakesync.serving.sinks.SinkResult;
import dev.lakesync.serving.sinks.Sinks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One sync: the customers that changed in the validated tables since the versions every sink confirmed, their
 * documents rebuilt from the tables as of now, written to every sink, then each sink's new versions saved. A sink
 * that has never been synced gets every customer.
 */
public final class ServingSync implements AutoCloseable {
  /** Called after the sinks confirmed, before the progress is saved: the tests' place to inject a crash. */
  interface BeforeSave {
    void run() throws Exception;
  }

  static final int CHUNK = 1000;

  private final SparkSession spark;
  private final ServingConfig serving;
  private final ServingTables tables;
  private final SyncProgress progress;
  private final PrintStream out;
  private BeforeSave beforeSave = () -> { };
  private List<DocumentSink> openSinks;

  public ServingSync(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.serving = config.serving().orElseThrow(() -> new IllegalArgumentException(
        "serving: section is required to run the serving stage"));
    LakePaths paths = new LakePaths(config.lake().root());
    this.tables = new ServingTables(spark, paths);
    this.progress = new SyncProgress(paths.state("serving-sync"), spark.sparkContext().hadoopConfiguration());
    this.out = out;
  }

  ServingSync beforeSave(BeforeSave hook) {
    this.beforeSave = hook;
    return this;
  }

  /** Runs one sync; returns the number of documents sent (0 when nothing changed). */
  public long syncOnce() throws Exception {
    long started = System.nanoTime();
    Map<String, Long> now = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String table : ServingTables.ALL) {
      long version = tables.currentVersion(table);
      now.put(table, version);
      if (version < 0) {
        missing.add(table);
      }
    }
    if (!missing.isEmpty()) {
      out.println("serving: waiting for the validated tables " + String.join(", ", missing));
      return 0;
    }
    List<DocumentSink> sinks = sinks();
    ExecutorService writer = SideBySide.pool("lakesync-serving-writer", 1);
    int ahead = Math.max(1, spark.sparkContext().defaultParallelism());
    ExecutorService readers = SideBySide.pool("lakesync-serving-reader", ahead);
    try {
      SyncProgress.Confirmed confirmed = oldestConfirmed(sinks);
      Map<String, Long> from = confirmed == null ? null : confirmed.versions;
      if (from != null && from.equals(now)) {
        return 0;
      }
      Dataset<Row> customers = tables.at(ServingTables.CUSTOMERS, now.get(ServingTables.CUSTOMERS));
      Dataset<Row> accounts = tables.at(ServingTables.ACCOUNTS, now.get(ServingTables.ACCOUNTS));
      Dataset<Row> payments = tables.at(ServingTables.PAYMENTS, now.get(ServingTables.PAYMENTS));
      // Every document of one sync carries the same sourcePos: the newest position in the table versions read,
      // which is exactly the state the documents reflect. Found side by side with the build: after a sync that
      // saved its sourcePos, from that and the changes since (rows keep their positions, tombstones included, so
      // the newest position only grows with the versions); else by a scan of the tables.
      String since = confirmed == null ? null : confirmed.sourcePos;
      CompletableFuture<String> sourcePos = CompletableFuture.supplyAsync(() -> since == null
          ? newestPosition(customers, accounts, payments) : newestPositionSince(since, from, now), writer);
      Dataset<Row> affected = from == null ? null : ChangedCustomers.between(tables, from, now, accounts);
      Dataset<Row> documents = DocumentBuilder.build(customers, accounts, payments, affected);
      Map<String, SinkResult> results = new LinkedHashMap<>();
      long[] timings = new long[2];
      long sent = writeAll(new PartitionsInOrder<>(DocumentBlobs.of(documents), ahead, readers), sourcePos, sinks,
          writer, results, started, timings);
      beforeSave.run();
      for (DocumentSink sink : sinks) {
        progress.save(sink.name(), now, sourcePos.get());
      }
      long totalMs = (System.nanoTime() - started) / 1_000_000;
      out.printf(Locale.ROOT, "serving: %s %d documents in %d ms (first document after %d ms, write %d ms) "
          + "versions %s%n", from == null ? "rebuilt" : "synced", sent, totalMs, timings[0], timings[1],
          versions(now));
      results.forEach((name, result) -> out.println("serving:   " + name + ": " + result));
      return sent;
    } catch (Exception e) {
      close(); // the next sync connects afresh
      throw e;
    } finally {
      writer.shutdownNow();
      readers.shutdownNow();
    }
  }

  /** The sinks, connected at the first sync and kept: a sync loop does not reconnect (or re-create an index) each pass. */
  private List<DocumentSink> sinks() throws Exception {
    if (openSinks == null) {
      openSinks = Sinks.open(serving);
    }
    return openSinks;
  }

  @Override
  public void close() {
    if (openSinks != null) {
      openSinks.forEach(DocumentSink::close);
      openSinks = null;
    }
  }

  /**
   * Spark computes the next partitions while the writer thread sends the previous chunk to every sink (in memory: two
   * chunks and the partitions being read). Returns the documents sent; {@code timings} gets ms to the first
   * partition's documents and ms spent writing.
   */
  private static long writeAll(Iterator<byte[]> blobs, CompletableFuture<String> sourcePos, List<DocumentSink> sinks,
      ExecutorService writer, Map<String, SinkResult> results, long started, long[] timings) throws Exception {
    long sent = 0;
    long[] writeNanos = {0};
    Future<?> previous = null;
    List<CustomerDocument> chunk = new ArrayList<>(CHUNK);
    boolean first = true;
    while (blobs.hasNext()) {
      byte[] blob = blobs.next();
      if (first) {
        timings[0] = (System.nanoTime() - started) / 1_000_000;
        first = false;
      }
      for (DocumentBlobs.Entry entry : DocumentBlobs.decode(blob)) {
        chunk.add(document(entry, sourcePos));
        if (chunk.size() == CHUNK) {
          previous = send(chunk, previous, sinks, writer, results, writeNanos);
          sent += chunk.size();
          chunk = new ArrayList<>(CHUNK);
        }
      }
    }
    if (!chunk.isEmpty()) {
      previous = send(chunk, previous, sinks, writer, results, writeNanos);
      sent += chunk.size();
    }
    waitFor(previous);
    timings[1] = writeNanos[0] / 1_000_000;
    return sent;
  }

  /** Waits for the previous chunk's write, then hands {@code chunk} to the writer thread. */
  private static Future<?> send(List<CustomerDocument> chunk, Future<?> previous, List<DocumentSink> sinks,
      ExecutorService writer, Map<String, SinkResult> results, long[] writeNanos) throws Exception {
    waitFor(previous);
    return writer.submit(() -> {
      long writeStarted = System.nanoTime();
      for (DocumentSink sink : sinks) {
        results.merge(sink.name(), sink.write(chunk), SinkResult::plus);
      }
      writeNanos[0] += System.nanoTime() - writeStarted;
      return null;
    });
  }

  private static void waitFor(Future<?> write) throws Exception {
    if (write == null) {
      return;
    }
    try {
      write.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  /**
   * Per table, the oldest version all sinks confirmed, with the newest sourcePos they saved (null when one saved
   * none); null when some sink has never been synced.
   */
  private SyncProgress.Confirmed oldestConfirmed(List<DocumentSink> sinks) throws Exception {
    Map<String, Long> oldest = new HashMap<>();
    String newest = "";
    for (DocumentSink sink : sinks) {
      SyncProgress.Confirmed confirmed = progress.load(sink.name());
      if (!confirmed.versions.keySet().containsAll(ServingTables.ALL)) {
        return null;
      }
      for (String table : ServingTables.ALL) {
        oldest.merge(table, confirmed.versions.get(table), Math::min);
      }
      if (confirmed.sourcePos == null) {
        newest = null; // one sink saved none: the sync scans
      } else if (newest != null && confirmed.sourcePos.compareTo(newest) > 0) {
        newest = confirmed.sourcePos;
      }
    }
    return new SyncProgress.Confirmed(oldest, newest);
  }

  /**
   * The newest position at {@code now}: every sink's saved one lies between the newest at {@code from} and at
   * {@code now}, and what came after {@code from} is in the Change Data Feed.
   */
  private String newestPositionSince(String saved, Map<String, Long> from, Map<String, Long> now) {
    Dataset<Row> positions = null;
    for (String table : ServingTables.ALL) {
      if (now.get(table) > from.get(table)) {
        Dataset<Row> changed = tables.changes(table, from.get(table), now.get(table)).select("_source_pos");
        positions = positions == null ? changed : positions.union(changed);
      }
    }
    if (positions == null) {
      return saved;
    }
    Row newest = positions.agg(org.apache.spark.sql.functions.max("_source_pos")).first();
    return newest.isNullAt(0) || newest.getString(0).compareTo(saved) < 0 ? saved : newest.getString(0);
  }

  private static String newestPosition(Dataset<Row> customers, Dataset<Row> accounts, Dataset<Row> payments) {
    Row newest = customers.select("_source_pos").union(accounts.select("_source_pos"))
        .union(payments.select("_source_pos")).agg(org.apache.spark.sql.functions.max("_source_pos")).first();
    return newest.isNullAt(0) ? "" : newest.getString(0);
  }

  private static CustomerDocument document(DocumentBlobs.Entry entry, CompletableFuture<String> newest)
      throws Exception {
    String id = Long.toString(entry.customerId);
    String sourcePos = newest.get();
    String json = entry.json;
    if (json == null) {
      return CustomerDocument.delete(id, id, sourcePos);
    }
    String escaped = sourcePos.replace("\\", "\\\\").replace("\"", "\\\"");
    return CustomerDocument.upsert(id, id, sourcePos,
        json.substring(0, json.length() - 1) + ",\"sourcePos\":\"" + escaped + "\"}");
  }

  private static String versions(Map<String, Long> versions) {
    StringBuilder text = new StringBuilder();
    versions.forEach((table, version) -> text.append(text.length() == 0 ? "" : " ")
        .append(table.substring(table.indexOf('.') + 1)).append('=').append(version));
    return text.toString();
  }
}
