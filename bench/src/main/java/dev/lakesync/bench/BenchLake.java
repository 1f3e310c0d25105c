package dev.lakesync.bench;

import dev.lakesync.common.LakePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The demo bank's validated tables as the stream-processor leaves them after a snapshot, written straight with
 * Spark for the later stages' benchmarks: every row an 'r' at a position equal to its id. Accounts spread evenly
 * over customers, payments over accounts.
 */
public final class BenchLake {
  private BenchLake() {
  }

  /**
   * A pipeline config for a benchmark of a later stage: the bank's tables, a lake under {@code work}, the embedded
   * PostgreSQL on {@code pgPort} (BenchStack starts it), and the stage's own section (warehouse:, serving:).
   */
  public static Path writeBankConfig(Path work, int pgPort, String targetSection) throws IOException {
    Path file = work.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "name: bench",
        "workDir: " + work.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + pgPort + ", database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:" + BenchMain.freePort() + "'}",
        "lake: {root: " + work.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, {name: bank.payments, key: [id]}]",
        targetSection,
        "localStack: {kafkaControllerPort: " + BenchMain.freePort() + ", customers: 10, accountsPerCustomer: 1, payments: 10}", ""),
        StandardCharsets.UTF_8);
    return file;
  }

  public static void writeBank(SparkSession spark, LakePaths paths, long customers, long accounts, long payments) {
    write(paths, "customers", spark.range(1, customers + 1).selectExpr("id", "concat('Customer ', id) AS name",
        "concat('c', id, '@example.org') AS email", "element_at(array('retail', 'gold', 'private'), "
            + "cast(id % 3 + 1 AS int)) AS segment", "timestamp'2026-01-01 00:00:00' AS created_at",
        "timestamp'2026-01-01 00:00:00' AS updated_at"));
    write(paths, "accounts", spark.range(1, accounts + 1).selectExpr("id", "(id - 1) % " + customers + " + 1 AS customer_id",
        "'checking' AS type", "cast(id % 10000 AS decimal(14,2)) AS balance", "'EUR' AS currency", "'open' AS status",
        "timestamp'2026-01-01 00:00:00' AS updated_at"));
    write(paths, "payments", spark.range(1, payments + 1).selectExpr("id", "(id - 1) % " + accounts + " + 1 AS account_id",
        "cast((id % 50000) / 100.0 + 0.01 AS decimal(14,2)) AS amount",
        "element_at(array('EUR', 'USD', 'GBP'), cast(id % 3 + 1 AS int)) AS currency", "concat('Shop ', id % 500) AS merchant",
        "'booked' AS status", "timestamp'2026-02-01 00:00:00' + make_interval(0, 0, 0, 0, 0, cast(id % 300000 AS int), 0) AS created_at"));
  }

  private static void write(LakePaths paths, String table, Dataset<Row> rows) {
    rows.selectExpr("*", "'r' AS _op", "unix_millis(timestamp'2026-01-01 00:00:00') AS _source_ts_ms",
        "concat(lpad(cast(id AS string), 20, '0'), '/', lpad(cast(id AS string), 20, '0')) AS _source_pos",
        "current_timestamp() AS _ingested_at")
        .write().format("delta").save(paths.validated("bank", table));
  }
}
