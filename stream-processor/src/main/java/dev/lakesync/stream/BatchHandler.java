package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.SideBySide;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.ConsistentPoints;
import dev.lakesync.lake.DeltaTables;
import dev.lakesync.lake.TransactionLedger;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What happens to one micro-batch: land every record, and per table parse, quarantine what cannot be applied and
 * MERGE the rest; then account for every record (one line, and a file in {@code _state/stream-processor/batches}).
 * The landing append and each table's work run side by side (each is its own Delta table and commit, and much of a
 * commit's time is spent on the driver); the batch ends only when all of them have, and a replay of any of them is
 * a no-op. A broken {@code fail} rule stops the job before that table's MERGE; the batch is replayed on restart.
 */
final class BatchHandler implements AutoCloseable {
  /** A batch record that is a source transaction's END marker. */
  private static final String TRANSACTION_END = LandingWriter.TABLE + " = '" + LandingWriter.TRANSACTION_MARKERS
      + "' AND CAST(element_at(filter(headers, h -> h.key = 'lakesync.op'), 1).value AS STRING) = 'END'";
  /** How long a source transaction seen in part holds back the consistent point before it is reported and let go. */
  static final java.time.Duration TRANSACTION_WAIT = java.time.Duration.ofMinutes(10);
  /** The local property Spark sets on a streaming query's thread to the query's id. */
  private static final String QUERY_ID = "sql.streaming.queryId";
  private final PipelineConfig config;
  /** Told of every batch after its line: the stage's metrics, when it serves them. */
  private final Consumer<BatchMetrics> observer;
  private final SparkSession spark;
  private final PrintStream out;
  private final LakePaths paths;
  private final LandingWriter landing;
  private final QuarantineWriter quarantine;
  private final ValidatedWriter validated;
  private final ExecutorService workers;
  /** Event schema texts by fingerprint, as batches reveal them (see {@link BatchShape}). */
  private final Map<Long, String> schemaTexts = new HashMap<>();
  private final ConsistentPoints points;
  private final TransactionLedger ledger;
  private long pointSequence;
  /** The id of the newest source transaction whose END marker the processor has read. */
  private String lastTransaction;

  BatchHandler(PipelineConfig config, SparkSession spark, PrintStream out, Consumer<BatchMetrics> observer) {
    this.observer = observer;
    this.config = config;
    this.spark = spark;
    this.out = out;
    this.paths = new LakePaths(config.lake().root());
    this.landing = new LandingWriter(config);
    this.quarantine = new QuarantineWriter(paths);
    this.validated = new ValidatedWriter(spark, paths, config.lake().deletionVectors());
    this.workers = SideBySide.pool("lakesync-batch-worker", config.tables().size() + 1);
    registerFunctions(spark);
    this.points = new ConsistentPoints(paths, spark.sparkContext().hadoopConfiguration());
    try {
      Optional<ConsistentPoints.Entry> newest = points.newestEntry();
      this.ledger = newest.map(entry -> entry.ledger).orElseGet(TransactionLedger::new);
      this.pointSequence = newest.map(entry -> entry.sequence).orElse(0L);
      this.lastTransaction = newest.map(entry -> entry.lastTransaction).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the consistent points under " + paths.state(StreamProcessor.STAGE), e);
    }
  }

  /** The functions a batch's parse calls by name. */
  static void registerFunctions(SparkSession spark) {
    spark.udf().register(SourcePositionUdf.NAME, new SourcePositionUdf(), org.apache.spark.sql.types.DataTypes.StringType);
    spark.udf().register(EnvelopeUdf.NAME, new EnvelopeUdf(), EnvelopeUdf.TYPE);
    spark.udf().register(EnvelopeUdf.SchemaUdf.NAME, new EnvelopeUdf.SchemaUdf(), org.apache.spark.sql.types.DataTypes.StringType);
  }

  void handle(Dataset<Row> batch, long batchId) {
    BatchMetrics metrics = new BatchMetrics(batchId, System.currentTimeMillis());
    // The streaming query's id (kept in its checkpoint; a fresh checkpoint has a new one), which batch ids belong to.
    String query = spark.sparkContext().getLocalProperty(QUERY_ID);
    // Cached with each record's envelope split (schema fingerprint, payload text): the landing reads the records,
    // the shape and the parse read the split, and none of them runs the Kafka read again.
    Dataset<Row> tagged = landing.withTable(batch)
        .withColumn(EnvelopeUdf.COLUMN, org.apache.spark.sql.functions.expr(EnvelopeUdf.NAME + "(value)")).persist();
    try {
      long started = System.nanoTime();
      BatchShape shape = BatchShape.of(tagged, schemaTexts);
      metrics.addPhase("read", started);
      metrics.landed = shape.total();
      metrics.unknownTable = shape.count(LandingWriter.UNKNOWN_TABLE);
      metrics.markers = shape.count(LandingWriter.TRANSACTION_MARKERS);
      List<Callable<Void>> tasks = new ArrayList<>();
      tasks.add(() -> {
        long landingStarted = System.nanoTime();
        landing.write(spark, tagged, query, batchId, shape);
        metrics.addPhase("landing", landingStarted);
        return null;
      });
      for (TableConfig table : config.tables()) {
        long landed = shape.count(table.qualifiedName());
        if (landed > 0) {
          Dataset<Row> records = tagged.filter(col(LandingWriter.TABLE).equalTo(table.qualifiedName()));
          Map<Long, String> schemas = shape.schemas(table.qualifiedName());
          boolean withoutSchema = shape.hasRecordsWithoutSchema(table.qualifiedName());
          tasks.add(() -> {
            processTable(table, records, schemas, withoutSchema, landed, query, batchId, metrics);
            return null;
          });
        }
      }
      long endsStarted = System.nanoTime();
      List<Row> ends = metrics.markers == 0 ? List.of() : tagged.where(TRANSACTION_END)
          .select(col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.PAYLOAD)).orderBy(col("partition"), col("offset")).collectAsList();
      metrics.addPhase("transactions", endsStarted);
      runAll(tasks);
      long pointStarted = System.nanoTime();
      recordConsistentPoint(ends, batchId, metrics);
      metrics.addPhase("transactions", pointStarted);
    } finally {
      tagged.unpersist();
    }
    long ended = System.currentTimeMillis();
    try {
      metrics.write(spark, paths.state(StreamProcessor.STAGE) + "/batches", ended);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics of batch " + batchId, e);
    }
    out.println(metrics.line(ended));
    out.flush();
    observer.accept(metrics);
  }

  /**
   * Feeds the batch's END markers to the ledger (the tables' changes were fed as each table was parsed) and records
   * the ledger and, when no source transaction is left half seen, a consistent point at the tables' versions now.
   */
  private void recordConsistentPoint(List<Row> ends, long batchId, BatchMetrics metrics) {
    long now = System.currentTimeMillis();
    synchronized (ledger) {
      for (Row end : ends) {
        TransactionMarker.end(end.getString(0), config.tables(), postgres()).ifPresent(marker -> {
          ledger.ended(marker.id, marker.counts, now);
          lastTransaction = marker.id;
        });
      }
      for (String given : ledger.settle(now - TRANSACTION_WAIT.toMillis())) {
        out.println("process: WARNING source transaction " + given + " still not whole after "
            + TRANSACTION_WAIT.toMinutes() + " min; no longer held back, so readers may see part of it");
      }
      Map<String, Long> versions = null;
      if (ledger.openCount() == 0) {
        versions = new java.util.TreeMap<>();
        for (TableConfig table : config.tables()) {
          long version = DeltaTables.newestVersion(spark, paths.validated(table.schema(), table.table()));
          if (version >= 0) {
            versions.put(table.qualifiedName(), version);
          }
        }
      }
      metrics.openTransactions = ledger.openCount();
      try {
        points.record(++pointSequence, batchId, ledger, lastTransaction, versions);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot record the consistent point of batch " + batchId, e);
      }
    }
  }

  private boolean postgres() {
    return config.source().type() == dev.lakesync.common.config.SourceConfig.Type.POSTGRESQL;
  }

  /** Runs the tasks side by side and waits for all of them; the first failure is rethrown once all have ended. */
  private void runAll(List<Callable<Void>> tasks) {
    try {
      SideBySide.runAll(workers, tasks);
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while processing a batch", e);
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private void processTable(TableConfig table, Dataset<Row> records, Map<Long, String> schemas, boolean withoutSchema,
      long landed, String query, long batchId, BatchMetrics metrics) {
    try (TableBatch batch = TableBatch.parse(table, records, schemas, validated.columns(table), withoutSchema)) {
      long started = System.nanoTime();
      TableBatch.Stats stats = batch.stats();
      if (stats.unchangedToast > 0) {
        batch.refuseUnknownToastValues(validated.rows(table));
        stats = batch.stats();
      }
      metrics.addPhase("parse_and_rules", started);
      if (stats.failed > 0) {
        throw new RuleFailedException(table.qualifiedName() + ": " + batch.describeFirstFailure() + "; " + stats.failed
            + " record(s) in batch " + batchId + " break a fail rule; stopping before the MERGE (the batch is replayed"
            + " on restart: fix the data or the rule)");
      }
      if (stats.quarantined > 0) {
        started = System.nanoTime();
        quarantine.write(spark, table, records, batch.rows, query, batchId);
        metrics.addPhase("quarantine", started);
      }
      started = System.nanoTime();
      long applied = batch.columns.isEmpty() ? 0 : validated.merge(batch, stats, query, batchId); // no schema: all quarantined
      metrics.addPhase("merge", started);
      CrashPoint.after("merge", out);
      metrics.addTable(table.qualifiedName(), landed, stats, applied);
      started = System.nanoTime();
      List<Row> orders = batch.transactionOrders(postgres());
      metrics.addPhase("transactions", started);
      long now = System.currentTimeMillis();
      synchronized (ledger) {
        for (Row transaction : orders) {
          ledger.seen(transaction.getString(0), table.qualifiedName(), transaction.getList(1), now);
        }
      }
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }

  /** A record broke a rule whose action is {@code fail}: the job stops with this message. */
  static final class RuleFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RuleFailedException(String message) {
      super(message);
    }
  }
}
