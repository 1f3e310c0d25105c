package dev.lakesync.verify;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.ConsistentPoints;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.SparkSession;

/**
 * Compares every source table with the validated Delta table key by key, then each warehouse model and the serving
 * store with what the lake holds (they are fed from it). A source row that differs from the lake because its newest change
 * was quarantined (a quarantined event newer than the lake's row) is reported apart, not as a mismatch: that is the
 * pipeline doing its job. Everything else that differs, is missing or is extra counts once per key.
 */
public final class Reconciliation {
  static final int SHOWN = 10;

  private final PipelineConfig config;
  private final LakeReader lake;
  private final SparkSession spark;
  private final LakePaths paths;
  private final PrintStream out;

  public Reconciliation(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.config = config;
    this.spark = spark;
    this.paths = new LakePaths(config.lake().root());
    this.lake = new LakeReader(spark, paths);
    this.out = out;
  }

  /** Prints the per-table lines, the first differing keys and the reconciliation line; returns the mismatches. */
  public long run() throws Exception {
    Map<String, List<String>> mismatches = new LinkedHashMap<>();
    Map<String, LakeReader.LakeTable> lakeTables = new LinkedHashMap<>();
    long sourceRows = 0;
    long lakeRows = 0;
    long warehouseRows = 0;
    long servingDocs = 0;
    // The lake as the warehouse and serving stages read it: as of the processor's newest consistent point.
    ToLongFunction<String> readable = ConsistentPoints.readableVersions(spark, paths);
    try (SourceReader source = new SourceReader(config.source())) {
      for (TableConfig table : config.tables()) {
        String name = table.qualifiedName();
        Rows sourceTable = source.read(table);
        LakeReader.LakeTable lakeTable = lake.read(table, sourceTable, readable.applyAsLong(name));
        lakeTables.put(name, lakeTable);
        sourceRows += sourceTable.size();
        lakeRows += lakeTable.live.size();
        long explained = 0;
        for (String key : Rows.union(sourceTable.byKey, lakeTable.live.byKey)) {
          String difference = Rows.differenceInEveryColumn(sourceTable.byKey.get(key), lakeTable.live.byKey.get(key));
          if (difference.isEmpty()) {
            continue;
          }
          String quarantined = lakeTable.quarantined.get(key);
          if (quarantined != null && quarantined.compareTo(lakeTable.positions.getOrDefault(key, "")) > 0) {
            explained++;
          } else {
            mismatches.computeIfAbsent(name + " " + key, k -> new ArrayList<>()).add("lake: " + difference);
          }
        }
        out.printf("verify: %s source=%d lake=%d (quarantined changes explaining a difference: %d)%n", name,
            sourceTable.size(), lakeTable.live.size(), explained);
        if (!lakeTable.quarantineReasons.isEmpty()) {
          StringBuilder reasons = new StringBuilder();
          lakeTable.quarantineReasons.forEach((reason, count) -> reasons.append(reasons.length() == 0 ? "" : ", ")
              .append(reason).append('=').append(count));
          out.printf("verify: %s quarantined events: %s%n", name, reasons);
        }
      }
      if (config.warehouse().isPresent()) {
        try (WarehouseCheck warehouse = new WarehouseCheck(config, spark, paths, readable)) {
          warehouseRows = warehouse.run(mismatches, out);
        }
      }
      if (config.serving().isPresent()) {
        servingDocs = DocumentCheck.run(config, spark, mismatches, out);
      }
    }
    int shown = 0;
    for (Map.Entry<String, List<String>> mismatch : mismatches.entrySet()) {
      if (shown++ == SHOWN) {
        out.println("verify: ... and " + (mismatches.size() - SHOWN) + " more differing keys");
        break;
      }
      out.println("verify: differs: " + mismatch.getKey() + " " + String.join("; ", mismatch.getValue()));
    }
    out.printf("reconciliation: tables=%d source_rows=%d lake_rows=%d warehouse_rows=%d serving_docs=%d mismatches=%d%n",
        config.tables().size(), sourceRows, lakeRows, warehouseRows, servingDocs, mismatches.size());
    return mismatches.size();
  }

}
