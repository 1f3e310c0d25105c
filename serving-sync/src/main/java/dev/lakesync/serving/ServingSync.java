package dev.lakesync.serving;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.DocumentDeclaration;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.ServingConfig;
import dev.lakesync.lake.CommitFreshness;
import dev.lakesync.serving.sinks.Document;
import dev.lakesync.serving.sinks.DocumentSink;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.SinkResult;
import dev.lakesync.serving.sinks.Sinks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One sync of every declared document type: the documents that the changes in the validated tables since the
 * versions every sink confirmed touch, rebuilt from the tables as of now, written to every sink, then each sink's
 * new versions saved. A sink that has never been synced, or holds a type built from another declaration (or another
 * shape of its tables), gets every document of that type.
 */
public final class ServingSync implements AutoCloseable {
  /** Called after the sinks confirmed, before the progress is saved: the tests' place to inject a crash. */
  interface BeforeSave {
    void run() throws Exception;
  }

  static final int CHUNK = 1000;
  private static final String TYPE = "_ls_type";

  private final SparkSession spark;
  private final ServingConfig serving;
  private final Map<String, List<String>> keys = new HashMap<>();
  private final LakeTables tables;
  private final SyncProgress progress;
  private final PrintStream out;
  private BeforeSave beforeSave = () -> { };
  private volatile List<DocumentSink> openSinks;
  /** The types (and fingerprints) the open sinks were opened for. */
  private Map<String, String> openFor = Map.of();
  private List<String> waitingFor = List.of();
  /** The types last resolved, and the tables' schemas they were resolved for. */
  private List<ResolvedDocument> resolved = List.of();
  private Map<String, StructType> resolvedFor;
  /**
   * The table versions every sink holds every type at, as this instance last saved or found them: a pass that sees
   * the same versions returns at once (reading the tables' schemas, the progress and the sinks' state is a fixed
   * cost an idle loop would pay every pass, beside the writers it waits for).
   */
  private Map<String, Long> upToDate;
  private final CommitFreshness freshness;
  /** Per sink, what the sinks closed so far counted as throttled (a reopened sink counts from 0). */
  private final Map<String, Long> throttledBefore = new ConcurrentHashMap<>();

  public ServingSync(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.serving = servingOf(config);
    config.tables().forEach(table -> keys.put(table.qualifiedName(), table.key()));
    LakePaths paths = new LakePaths(config.lake().root());
    this.tables = new LakeTables(spark, paths);
    this.freshness = new CommitFreshness(spark, paths);
    this.progress = new SyncProgress(paths.state("serving-sync"), spark.sparkContext().hadoopConfiguration());
    this.out = out;
  }

  /** The serving section, when it declares something to sync; checked before Spark starts. */
  static ServingConfig servingOf(PipelineConfig config) {
    ServingConfig serving = config.serving().orElseThrow(() -> new StageMain.ConfigProblem(
        "serving: section is required to run the serving stage"));
    if (serving.documents().isEmpty()) {
      throw new StageMain.ConfigProblem("serving.documents: declare at least one document type to sync (its root "
          + "table, fields, children; see docs/serving-documents.md)");
    }
    return serving;
  }

  ServingSync beforeSave(BeforeSave hook) {
    this.beforeSave = hook;
    return this;
  }

  /** Runs one sync; returns the number of documents sent (0 when nothing changed, or still waiting for the lake). */
  public long syncOnce() throws Exception {
    long started = System.nanoTime();
    Map<String, Long> now = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    java.util.function.ToLongFunction<String> readable = tables.readableVersions();
    for (DocumentDeclaration declaration : serving.documents()) {
      for (String table : declaration.tables()) {
        long version = now.computeIfAbsent(table, readable::applyAsLong);
        if (version < 0 && !missing.contains(table)) {
          missing.add(table);
        }
      }
    }
    if (!missing.equals(waitingFor) && !missing.isEmpty()) {
      out.println("serving: waiting for " + String.join(", ", missing) + " to appear in the lake (the stream "
          + "processor creates a validated table with its first change)");
    }
    waitingFor = missing;
    if (!missing.isEmpty() || now.equals(upToDate)) {
      return 0;
    }
    Map<String, Dataset<Row>> rows = new HashMap<>();
    Function<String, Dataset<Row>> at = table -> rows.computeIfAbsent(table, name -> tables.at(name, now.get(name)));
    List<ResolvedDocument> types = resolve(at);
    List<DocumentSink> sinks = sinks(types);
    ExecutorService writer = SideBySide.pool("lakesync-serving-writer", 1);
    int ahead = Math.max(1, spark.sparkContext().defaultParallelism());
    ExecutorService readers = SideBySide.pool("lakesync-serving-reader", ahead);
    try {
      SyncProgress.Confirmed confirmed = oldestConfirmed(sinks);
      Map<String, String> modes = new LinkedHashMap<>();
      Dataset<Row> documents = null;
      for (ResolvedDocument type : types) {
        Map<String, Long> from = rangeStart(type, confirmed);
        if (from != null && type.declaration().tables().stream().allMatch(t -> from.get(t).equals(now.get(t)))) {
          continue;
        }
        DocumentBuilder builder = new DocumentBuilder(type.declaration(), type.rootKey(), at,
            (key, message) -> {
              throw new IllegalStateException("serving.documents." + type.name() + "." + key + ": " + message);
            });
        Dataset<Row> affected = from == null ? null : AffectedDocuments.between(builder,
            table -> from.get(table) < now.get(table) ? tables.changes(table, from.get(table), now.get(table)) : null);
        Dataset<Row> built = builder.build(affected).select(lit(type.name()).alias(TYPE), col(DocumentBuilder.ID),
            col(DocumentBuilder.PARTITION_KEY), col(DocumentBuilder.JSON), col(DocumentBuilder.SEARCH));
        documents = documents == null ? built : documents.union(built);
        modes.put(type.name(), from == null ? "rebuilt" : "synced");
      }
      if (documents == null) {
        tookIn(now);
        return 0;
      }
      // Every document of one sync carries the same sourcePos: the newest position in the table versions read,
      // which is exactly the state the documents reflect. Found side by side with the build: after a sync that
      // saved its sourcePos, from that and the changes since (rows keep their positions, tombstones included, so
      // the newest position only grows with the versions); else by a scan of the tables.
      String since = confirmed == null || !confirmed.versions.keySet().containsAll(now.keySet()) ? null
          : confirmed.sourcePos;
      Map<String, Long> sinceVersions = confirmed == null ? null : confirmed.versions;
      CompletableFuture<String> sourcePos = CompletableFuture.supplyAsync(() -> since == null
          ? newestPosition(now.keySet(), at) : newestPositionSince(since, sinceVersions, now), writer);
      Map<String, SinkResult> results = new LinkedHashMap<>();
      Map<String, long[]> counts = new LinkedHashMap<>();
      modes.keySet().forEach(type -> counts.put(type, new long[2]));
      long[] timings = new long[2];
      long sent = writeAll(new PartitionsInOrder<>(DocumentBlobs.of(documents), ahead, readers), sourcePos, sinks,
          writer, results, counts, started, timings);
      beforeSave.run();
      Map<String, String> fingerprints = new LinkedHashMap<>();
      types.forEach(type -> fingerprints.put(type.name(), type.fingerprint()));
      for (DocumentSink sink : sinks) {
        progress.save(sink.name(), now, sourcePos.get(), fingerprints);
      }
      tookIn(now);
      long totalMs = (System.nanoTime() - started) / 1_000_000;
      out.printf(Locale.ROOT, "serving: %s %d documents in %d ms (first document after %d ms, write %d ms) "
          + "versions %s%n", modes.containsValue("synced") ? "synced" : "rebuilt", sent, totalMs, timings[0],
          timings[1], versions(now));
      modes.forEach((type, mode) -> {
        long[] count = counts.get(type);
        out.println("serving:   " + type + ": " + mode + " " + count[0] + (count[1] == 0 ? "" : ", skipped " + count[1]
            + " with a null id or partition key (check serving.documents." + type + ".id and partitionKey)"));
      });
      results.forEach((name, result) -> out.println("serving:   " + name + ": " + result));
      return sent;
    } catch (Exception e) {
      close(); // the next sync connects afresh
      upToDate = null;
      throw e;
    } finally {
      writer.shutdownNow();
      readers.shutdownNow();
    }
  }

  /**
   * The declarations checked against the tables' schemas; kept while the schemas stay the same (checking plans every
   * document type on Spark's analyzer, a fixed cost a sync of a few changed rows would pay each pass).
   *
   * @throws StageMain.ConfigProblem naming every declaration key that does not work on the lake's tables
   */
  private List<ResolvedDocument> resolve(Function<String, Dataset<Row>> at) {
    Map<String, StructType> schemas = new LinkedHashMap<>();
    for (DocumentDeclaration declaration : serving.documents()) {
      declaration.tables().forEach(table -> schemas.computeIfAbsent(table, name -> at.apply(name).schema()));
    }
    if (schemas.equals(resolvedFor)) {
      return resolved;
    }
    DocumentResolver.Result result = new DocumentResolver(spark, table -> Optional.of(schemas.get(table)), keys::get)
        .resolve(serving.documents()).checked();
    resolved = result.documents;
    resolvedFor = schemas;
    return resolved;
  }

  /**
   * Per table the type reads, the versions all sinks confirmed for it; null (every document) when some sink holds
   * none, or holds the type built from another fingerprint.
   */
  private static Map<String, Long> rangeStart(ResolvedDocument type, SyncProgress.Confirmed confirmed) {
    if (confirmed == null || !type.fingerprint().equals(confirmed.documents.get(type.name()))
        || !confirmed.versions.keySet().containsAll(type.declaration().tables())) {
      return null;
    }
    return confirmed.versions;
  }

  /**
   * The sinks, connected at the first sync and kept: a sync loop does not reconnect (or re-create an index) each
   * pass; reopened when a type's shape changed (its index or fields).
   */
  private List<DocumentSink> sinks(List<ResolvedDocument> types) throws Exception {
    Map<String, String> fingerprints = new LinkedHashMap<>();
    types.forEach(type -> fingerprints.put(type.name(), type.fingerprint()));
    if (openSinks != null && !fingerprints.equals(openFor)) {
      close();
    }
    if (openSinks == null) {
      List<DocumentType> documentTypes = new ArrayList<>();
      types.forEach(type -> documentTypes.add(type.type()));
      openSinks = Sinks.open(serving, documentTypes);
      openFor = fingerprints;
    }
    return openSinks;
  }

  /** The document types as the last sync resolved them (none before the first). */
  public List<DocumentType> documentTypes() {
    List<DocumentType> types = new ArrayList<>();
    resolved.forEach(type -> types.add(type.type()));
    return types;
  }

  @Override
  public void close() {
    if (openSinks != null) {
      openSinks.forEach(sink -> throttledBefore.merge(sink.name(), sink.throttled(), Long::sum));
      openSinks.forEach(DocumentSink::close);
      openSinks = null;
    }
  }

  private void tookIn(Map<String, Long> versions) {
    upToDate = versions;
    versions.forEach(freshness::took);
  }

  /** For the stage's metrics: per table the documents read, how old the lake commit they reflect is. */
  public Map<String, LongSupplier> freshnessByTable() {
    Set<String> read = new LinkedHashSet<>();
    serving.documents().forEach(declaration -> read.addAll(declaration.tables()));
    return freshness.ages(read);
  }

  /** For the stage's metrics: per configured sink, the requests or items its service throttled, all retried. */
  public Map<String, LongSupplier> throttledBySink() {
    Map<String, LongSupplier> bySink = new LinkedHashMap<>();
    for (ServingConfig.Sink sink : serving.sinks()) {
      String name = sink.name().toLowerCase(java.util.Locale.ROOT);
      bySink.put(name, () -> {
        long open = 0;
        List<DocumentSink> current = openSinks;
        if (current != null) {
          for (DocumentSink each : current) {
            open += each.name().equals(name) ? each.throttled() : 0;
          }
        }
        return throttledBefore.getOrDefault(name, 0L) + open;
      });
    }
    return bySink;
  }

  /**
   * Spark computes the next partitions while the writer thread sends the previous chunk to every sink (in memory: two
   * chunks and the partitions being read). Returns the documents sent; {@code timings} gets ms to the first
   * partition's documents and ms spent writing.
   */
  private static long writeAll(Iterator<byte[]> blobs, CompletableFuture<String> sourcePos, List<DocumentSink> sinks,
      ExecutorService writer, Map<String, SinkResult> results, Map<String, long[]> counts, long started,
      long[] timings) throws Exception {
    long sent = 0;
    long[] writeNanos = {0};
    Future<?> previous = null;
    List<Document> chunk = new ArrayList<>(CHUNK);
    boolean first = true;
    while (blobs.hasNext()) {
      byte[] blob = blobs.next();
      if (first) {
        timings[0] = (System.nanoTime() - started) / 1_000_000;
        first = false;
      }
      for (DocumentBlobs.Entry entry : DocumentBlobs.decode(blob)) {
        long[] count = counts.get(entry.type);
        if (entry.id == null || entry.partitionKey == null) {
          count[1]++;
          continue;
        }
        count[0]++;
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
  private static Future<?> send(List<Document> chunk, Future<?> previous, List<DocumentSink> sinks,
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
   * none) and the fingerprints all of them hold alike; null when some sink has never been synced.
   */
  private SyncProgress.Confirmed oldestConfirmed(List<DocumentSink> sinks) throws Exception {
    Map<String, Long> oldest = null;
    Map<String, String> documents = null;
    String newest = "";
    for (DocumentSink sink : sinks) {
      SyncProgress.Confirmed confirmed = progress.load(sink.name());
      if (confirmed.versions.isEmpty()) {
        return null;
      }
      if (oldest == null) {
        oldest = new HashMap<>(confirmed.versions);
        documents = new HashMap<>(confirmed.documents);
      } else {
        oldest.keySet().retainAll(confirmed.versions.keySet());
        oldest.replaceAll((table, version) -> Math.min(version, confirmed.versions.get(table)));
        documents.entrySet().removeIf(entry -> !entry.getValue().equals(confirmed.documents.get(entry.getKey())));
      }
      if (confirmed.sourcePos == null) {
        newest = null; // one sink saved none: the sync scans
      } else if (newest != null && confirmed.sourcePos.compareTo(newest) > 0) {
        newest = confirmed.sourcePos;
      }
    }
    return oldest == null ? null : new SyncProgress.Confirmed(oldest, newest, documents);
  }

  /**
   * The newest position at {@code now}: every sink's saved one lies between the newest at {@code from} and at
   * {@code now}, and what came after {@code from} is in the Change Data Feed.
   */
  private String newestPositionSince(String saved, Map<String, Long> from, Map<String, Long> now) {
    Dataset<Row> positions = null;
    for (String table : now.keySet()) {
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

  private static String newestPosition(Iterable<String> tables, Function<String, Dataset<Row>> at) {
    Dataset<Row> positions = null;
    for (String table : tables) {
      Dataset<Row> some = at.apply(table).select("_source_pos");
      positions = positions == null ? some : positions.union(some);
    }
    Row newest = positions.agg(org.apache.spark.sql.functions.max("_source_pos")).first();
    return newest.isNullAt(0) ? "" : newest.getString(0);
  }

  private static Document document(DocumentBlobs.Entry entry, CompletableFuture<String> newest) throws Exception {
    String sourcePos = newest.get();
    String json = entry.json;
    if (json == null) {
      return Document.delete(entry.type, entry.id, entry.partitionKey, sourcePos);
    }
    String escaped = sourcePos.replace("\\", "\\\\").replace("\"", "\\\"");
    return Document.upsert(entry.type, entry.id, entry.partitionKey, sourcePos,
        json.substring(0, json.length() - 1) + ",\"sourcePos\":\"" + escaped + "\"}", entry.search);
  }

  private static String versions(Map<String, Long> versions) {
    StringBuilder text = new StringBuilder();
    versions.forEach((table, version) -> text.append(text.length() == 0 ? "" : " ")
        .append(table.substring(table.indexOf('.') + 1)).append('=').append(version));
    return text.toString();
  }
}
