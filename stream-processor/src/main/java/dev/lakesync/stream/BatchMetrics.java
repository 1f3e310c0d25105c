package dev.lakesync.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One micro-batch's accounting: every record landed is applied, superseded (an older change of a key that a newer
 * one in the batch or the table overrides), quarantined, dropped by a rule, or of an unknown table. Logged as one
 * line and written to {@code _state/stream-processor/batches/} (a JSON file per batch, idempotent per batch id).
 */
final class BatchMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  final long batchId;
  final long startedAtMs;
  long landed;
  long unknownTable;
  /** Source transaction markers (landed, not applied to any table). */
  long markers;
  /** Source transactions seen in part after this batch (no consistent point while any is). */
  long openTransactions;
  long applied;
  long quarantined;
  long dropped;
  Long newestSourceTsMs;
  final Map<String, Long> landedByTable = new TreeMap<>();
  final Map<String, Long> quarantinedByReason = new TreeMap<>();
  /** Per table, the newest source commit among the batch's events: a dashboard's lake freshness per table. */
  final Map<String, Long> newestSourceTsByTable = new TreeMap<>();
  /**
   * Milliseconds spent per phase (summed over tables, which run side by side), for finding where a slow batch
   * spends its time.
   */
  final Map<String, Long> phasesMs = new LinkedHashMap<>();

  BatchMetrics(long batchId, long startedAtMs) {
    this.batchId = batchId;
    this.startedAtMs = startedAtMs;
  }

  /** Charges the time since {@code startedNanos} to phase {@code name}. */
  synchronized void addPhase(String name, long startedNanos) {
    phasesMs.merge(name, (System.nanoTime() - startedNanos) / 1_000_000, Long::sum);
  }

  synchronized void addTable(String table, long landedRecords, TableBatch.Stats stats, long appliedRecords) {
    landedByTable.put(table, landedRecords);
    quarantined += stats.quarantined;
    dropped += stats.dropped;
    applied += appliedRecords;
    stats.reasons.forEach((reason, count) -> quarantinedByReason.merge(reason, count, Long::sum));
    if (stats.newestSourceTsMs != null) {
      newestSourceTsByTable.put(table, stats.newestSourceTsMs);
    }
    if (stats.newestSourceTsMs != null && (newestSourceTsMs == null || stats.newestSourceTsMs > newestSourceTsMs)) {
      newestSourceTsMs = stats.newestSourceTsMs;
    }
  }

  long superseded() {
    return landed - unknownTable - markers - applied - quarantined - dropped;
  }

  /** Now minus the newest source commit in the batch: how far the validated tables are behind the source. */
  Long lagMs(long nowMs) {
    return newestSourceTsMs == null ? null : Math.max(0, nowMs - newestSourceTsMs);
  }

  synchronized String line(long endedAtMs) {
    Long lag = lagMs(endedAtMs);
    return String.format("process: batch %d landed=%d applied=%d superseded=%d quarantined=%d dropped=%d unknown_table=%d"
            + " markers=%d open_transactions=%d lag_ms=%s in %d ms%s", batchId, landed, applied, superseded(), quarantined,
        dropped, unknownTable, markers, openTransactions,
        lag == null ? "-" : lag.toString(), endedAtMs - startedAtMs,
        quarantinedByReason.isEmpty() ? "" : " reasons=" + quarantinedByReason);
  }

  /**
   * Writes this batch's record as one JSON file, {@code batches/batch-<id>.json} (read the folder with
   * {@code spark.read.json}): a file per batch costs milliseconds where a Delta commit per batch costs a second,
   * and a replayed batch overwrites its own file.
   */
  synchronized void write(SparkSession spark, String folder, long endedAtMs) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("batch_id", batchId);
    record.put("started_at", Instant.ofEpochMilli(startedAtMs).toString());
    record.put("duration_ms", endedAtMs - startedAtMs);
    record.put("landed", landed);
    record.put("applied", applied);
    record.put("superseded", superseded());
    record.put("quarantined", quarantined);
    record.put("dropped", dropped);
    record.put("unknown_table", unknownTable);
    record.put("markers", markers);
    record.put("open_transactions", openTransactions);
    record.put("lag_ms", lagMs(endedAtMs));
    record.put("ended_at_ms", endedAtMs);
    Map<String, Long> lagByTable = new TreeMap<>();
    newestSourceTsByTable.forEach((table, newest) -> lagByTable.put(table, Math.max(0, endedAtMs - newest)));
    record.put("lag_ms_by_table", lagByTable);
    record.put("landed_by_table", landedByTable);
    record.put("quarantined_by_reason", quarantinedByReason);
    record.put("phases_ms", phasesMs);
    Path file = new Path(folder, String.format(Locale.ROOT, "batch-%020d.json", batchId));
    FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (FSDataOutputStream stream = fs.create(file, true)) {
      stream.write(JSON.writeValueAsBytes(record));
      stream.write('\n');
    }
  }
}
