package dev.lakesync.bench;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.config.DemoPipeline;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.warehouse.WarehouseLoader;
import io.delta.tables.DeltaTable;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakesync bench warehouse}: validated Delta tables of the demo bank (10,000 customers, 20,000 accounts,
 * 1,000,000 payments; --quick a tenth) written straight with Spark, loaded into the embedded PostgreSQL warehouse
 * (initial load: throughput in rows per second), then 10,000 changes on top of them (updated payments, new
 * payments, deleted payments, customers changing segment) loaded incrementally. The floor beside the initial load:
 * the same rows moved by Spark's CSV writer and PostgreSQL's COPY into plain tables ({@link CopyFloor}); {@code
 * ratio} is lakesync's throughput over the floor's.
 */
public final class WarehouseBenchmark {
  private final Path home;
  private final PrintStream out;
  private final boolean quick;

  WarehouseBenchmark(Path home, PrintStream out, boolean quick) {
    this.home = home;
    this.out = out;
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    BenchMain.main(new Commands.BenchWarehouse(), command -> command.quick.quick, args,
        (home, out, quick) -> new WarehouseBenchmark(home, out, quick).run());
  }

  int run() throws Exception {
    long payments = quick ? 100_000 : 1_000_000;
    long customers = payments / 100;
    long accounts = customers * 2;
    int incremental = 10_000;
    Path work = Files.createTempDirectory("lakesync-bench-warehouse-");
    int pgPort = BenchMain.freePort();
    Path configFile = BenchLake.writeBankConfig(work, pgPort,
        "warehouse:\n  type: postgresql\n  jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + pgPort + "/warehouse'\n  user: postgres\n"
            + "  schema: dw\n" + DemoPipeline.block(home, "warehouse", "models"));
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(configFile);
    out.printf("bench warehouse: %s run, %d customers, %d accounts, %d payments, then %d changes (work in %s)%n",
        quick ? "quick" : "full", customers, accounts, payments, incremental, work);
    try (BenchStack stack = BenchStack.start(home, configFile, work.resolve("stack.log"))) {
      SparkSession spark = SparkSessions.create(config, "lakesync-bench-warehouse");
      try {
        LakePaths paths = new LakePaths(config.lake().root());
        long written = System.nanoTime();
        BenchLake.writeBank(spark, paths, customers, accounts, payments);
        out.printf("bench warehouse: validated tables written in %.1f s; initial load...%n", (System.nanoTime() - written) / 1e9);

        long started = System.nanoTime();
        long rows = new WarehouseLoader(config, spark, out).loadOnce();
        double seconds = (System.nanoTime() - started) / 1e9;
        double throughput = rows / seconds;
        out.printf("bench warehouse: initial load of %d rows in %.1f s = %.0f rows/s%n", rows, seconds, throughput);

        // The floor, after ours in the same JVM (so it runs warm, ours cold: the ratio errs against lakesync).
        List<String> tables = List.of("customers", "accounts", "payments");
        List<Dataset<Row>> live = new ArrayList<>();
        for (String table : tables) {
          live.add(spark.read().format("delta").load(paths.validated("bank", table)).where("_op <> 'd'"));
        }
        long floorStarted = System.nanoTime();
        long floorRows = new CopyFloor(config.warehouse().orElseThrow().jdbcUrl(), work).copy(tables, live);
        double floorSeconds = (System.nanoTime() - floorStarted) / 1e9;
        double floorThroughput = floorRows / floorSeconds;
        out.printf("bench warehouse: floor (Spark CSV + PostgreSQL COPY into plain tables) %d rows in %.1f s = %.0f rows/s%n",
            floorRows, floorSeconds, floorThroughput);

        // 10,000 changes: 6,000 payment updates, 2,000 new payments, 1,000 deleted payments, 1,000 customers moved.
        DeltaTable paymentsTable = DeltaTable.forPath(spark, paths.validated("bank", "payments"));
        Dataset<Row> paymentChanges = spark.range(1, 9_001).selectExpr(
        "CASE WHEN id <= 6000 THEN id * 97 % " + payments + " + 1 WHEN id <= 8000 THEN " + payments + " + id "
                + "ELSE id * 89 % " + payments + " + 1 END AS id",
        "CASE WHEN id <= 6000 THEN 'refunded' WHEN id <= 8000 THEN 'booked' ELSE 'deleted' END AS kind",
        "id AS n").dropDuplicates("id");
        String position = "lpad(cast(" + (payments + 10_000_000L) + " + n AS string), 20, '0')";
        Dataset<Row> newRows = paymentChanges.selectExpr("id", "(id - 1) % " + accounts + " + 1 AS account_id",
        "cast(12.34 AS decimal(14,2)) AS amount", "'EUR' AS currency", "'Shop new' AS merchant",
        "CASE WHEN kind = 'deleted' THEN 'booked' ELSE kind END AS status",
        "timestamp'2026-06-01 00:00:00' AS created_at", "CASE WHEN kind = 'deleted' THEN 'd' ELSE 'u' END AS _op",
        "unix_millis(current_timestamp()) AS _source_ts_ms", "concat(" + position + ", '/', " + position + ") AS _source_pos",
        "current_timestamp() AS _ingested_at");
        long changes = newRows.count();
        paymentsTable.as("t").merge(newRows.as("s"), "t.id = s.id").whenMatched().updateAll().whenNotMatched().insertAll().execute();
        long moved = incremental - changes;
        Dataset<Row> customerChanges = spark.range(1, moved + 1).selectExpr("id * 7 % " + customers + " + 1 AS id")
            .dropDuplicates("id").selectExpr("id", "concat('Customer ', id) AS name", "concat('c', id, '@example.org') AS email",
                "'private-plus' AS segment", "timestamp'2026-01-01 00:00:00' AS created_at", "current_timestamp() AS updated_at",
                "'u' AS _op", "unix_millis(current_timestamp()) AS _source_ts_ms",
                "concat(lpad(cast(" + (payments + 20_000_000L) + " + id AS string), 20, '0'), '/00000000000000000000') AS _source_pos",
                "current_timestamp() AS _ingested_at");
        changes += customerChanges.count();
        DeltaTable.forPath(spark, paths.validated("bank", "customers")).as("t").merge(customerChanges.as("s"), "t.id = s.id")
            .whenMatched().updateAll().execute();
        started = System.nanoTime();
        long staged = new WarehouseLoader(config, spark, out).loadOnce();
        long incrementalMs = (System.nanoTime() - started) / 1_000_000;
        long facts = count(config, "SELECT count(*) FROM dw.fact_payment");
        long expectedFacts = spark.read().format("delta").load(paths.validated("bank", "payments")).where("_op <> 'd'").count();
        out.printf("bench warehouse: changes=%d throughput_per_s=%.0f floor_throughput_per_s=%.0f ratio=%.2f "
            + "incremental_changes=%d incremental_ms=%d fact_rows=%d%n", rows, throughput, floorThroughput,
            throughput / floorThroughput, staged, incrementalMs, facts);
        if (facts != expectedFacts) {
          out.printf("bench warehouse: expected %d fact rows, found %d%n", expectedFacts, facts);
          return 1;
        }
        // The daily aggregates count every fact once (payments the changes moved to another day included).
        long aggregated = count(config, "SELECT coalesce(sum(payment_count), 0) FROM dw.agg_payments_daily");
        long countable = count(config, "SELECT count(*) FROM dw.fact_payment WHERE currency IS NOT NULL");
        if (aggregated != countable) {
          out.printf("bench warehouse: the daily aggregates count %d payments, the facts hold %d%n", aggregated, countable);
          return 1;
        }
        return 0;
      } finally {
        spark.stop();
      }
    } finally {
      BenchMain.deleteRecursively(work);
    }
  }

  private static long count(PipelineConfig config, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(config.warehouse().orElseThrow().jdbcUrl(), "postgres", "");
         Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
