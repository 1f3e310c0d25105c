package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.localstack.StackProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path into the lake with real parts: the stack and cdc-connector each in their own JVM, Spark and Delta
 * here. After every round the validated tables equal the source tables, read independently through JDBC; rule
 * violations sit in quarantine with their rule names; a replayed batch changes nothing.
 */
class ValidatedTablesIT {
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - {name: bank.customers, key: [id]}",
      "  - {name: bank.accounts, key: [id]}",
      "  - name: bank.payments",
      "    key: [id]",
      "    rules:",
      "      - {name: amount_positive, expr: 'amount > 0'}",
      "      - {name: currency_iso, expr: \"currency IN ('EUR', 'USD', 'GBP', 'CHF', 'SEK')\"}");
  private static final Map<String, String> COMPARED = Map.of(
      "customers", "id, name, email, segment, %s(created_at) AS created_at, %s(updated_at) AS updated_at",
      "accounts", "id, customer_id, type, cast(balance AS varchar) AS balance, currency, status, %s(updated_at) AS updated_at",
      "payments", "id, account_id, cast(amount AS varchar) AS amount, currency, merchant, status, %s(created_at) AS created_at");

  @TempDir
  static Path dir;

  private static SparkStack world;
  private static StackProcess stack;
  private static SparkSession spark;
  private static PipelineConfig config;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, TABLES);
    stack = world.stack;
    spark = world.spark;
    config = world.config;
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void validatedTablesFollowTheSourceThroughSnapshotChangesAndReplays() throws Exception {
    capture();
    String first = world.process();
    assertThat(first).contains("quarantined=0");
    assertLakeEqualsSource();

    sql("UPDATE bank.customers SET segment = 'private', updated_at = now() WHERE id <= 10",
        "UPDATE bank.accounts SET balance = balance + 100.25 WHERE id % 3 = 0",
        "INSERT INTO bank.payments (id, account_id, amount, currency, merchant, status) VALUES "
            + "(1001, 1, 12.34, 'EUR', 'Book Nook', 'pending'), (1002, 2, -5.00, 'EUR', 'Refund Desk', 'pending'), "
            + "(1003, 3, 7.00, 'XXX', 'Nowhere', 'pending')",
        "UPDATE bank.payments SET status = 'booked' WHERE id = 1001",
        "DELETE FROM bank.payments WHERE id IN (SELECT id FROM bank.payments WHERE account_id = 5)",
        "DELETE FROM bank.payments WHERE id BETWEEN 20 AND 25",
        "UPDATE bank.payments SET id = 5000 WHERE id = 30");
    capture();
    String second = world.process();
    assertThat(second).contains("quarantined=2");

    // The two rule-breaking payments are quarantined with their rule names, and nowhere in the validated table.
    List<Row> quarantined = spark.read().format("delta").load(paths().quarantine("bank", "payments"))
        .selectExpr("cast(key AS string) AS key", "error").orderBy("key").collectAsList();
    assertThat(quarantined).extracting(row -> row.getString(0) + " " + row.getString(1))
        .containsExactly("{\"id\":1002} rule amount_positive", "{\"id\":1003} rule currency_iso");
    sql("DELETE FROM bank.payments WHERE id IN (1002, 1003)"); // the source keeps them; compare the rest
    capture();
    world.process();
    assertLakeEqualsSource();

    // A crash between the Delta commits and Spark's checkpoint: the batch runs again and changes nothing.
    Map<String, Map<Long, String>> before = lakeRows();
    world.forgetLastCommittedBatch();
    world.process();
    assertThat(lakeRows()).isEqualTo(before);
    assertThat(spark.read().format("delta").load(paths().validated("bank", "payments")).where("_op = 'd'").count())
        .as("deletes are kept as tombstones").isGreaterThan(0);

    // Only new payments (ids above every id the table holds), one of them deleted again: no file can hold their
    // keys, so the batch is appended instead of MERGEd, with the same result; its replay goes through the MERGE's
    // position guard and changes nothing.
    sql("INSERT INTO bank.payments (id, account_id, amount, currency, merchant, status) VALUES "
            + "(6001, 1, 3.25, 'EUR', 'Appended', 'pending'), (6002, 2, 4.50, 'USD', 'Appended', 'pending')",
        "UPDATE bank.payments SET status = 'booked' WHERE id = 6002",
        "DELETE FROM bank.payments WHERE id = 6001");
    capture();
    assertThat(world.process()).contains("applied=2");
    String payments = paths().validated("bank", "payments");
    assertThat(io.delta.tables.DeltaTable.forPath(spark, payments).history(1).first().<String>getAs("operation"))
        .isEqualTo("WRITE");
    assertLakeEqualsSource();
    assertThat(spark.read().format("delta").load(payments).where("id = 6001").selectExpr("_op").collectAsList())
        .extracting(row -> row.getString(0)).containsExactly("d");
    before = lakeRows();
    world.forgetLastCommittedBatch();
    world.process();
    assertThat(lakeRows()).isEqualTo(before);
    Row keys = spark.read().format("delta").load(payments).selectExpr("count(*)", "count(DISTINCT id)").first();
    assertThat(keys.getLong(0)).as("one row per key after the replay").isEqualTo(keys.getLong(1));

    // TRUNCATE in the source, then new rows in the same capture: the validated table holds only the new rows.
    sql("TRUNCATE bank.payments",
        "INSERT INTO bank.payments (id, account_id, amount, currency, merchant, status) VALUES "
            + "(7001, 1, 1.50, 'EUR', 'After Truncate', 'booked'), (7002, 2, 2.50, 'USD', 'After Truncate', 'pending')");
    capture();
    assertThat(world.process()).contains("quarantined=0");
    assertLakeEqualsSource();
    assertThat(lakeRows().get("payments")).containsOnlyKeys(7001L, 7002L);
  }

  private static LakePaths paths() {
    return world.paths();
  }

  private void assertLakeEqualsSource() throws Exception {
    assertThat(lakeRows()).isEqualTo(sourceRows());
  }

  /** Per table, id to the row's values as text, read from the source through JDBC. */
  private static Map<String, Map<Long, String>> sourceRows() throws Exception {
    Map<String, Map<Long, String>> tables = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl("bank"), "postgres", "");
         Statement statement = connection.createStatement()) {
      for (Map.Entry<String, String> table : COMPARED.entrySet()) {
        String columns = table.getValue().replace("%s(", "micros(");
        Map<Long, String> rows = new TreeMap<>();
        try (ResultSet result = statement.executeQuery("SELECT " + columns.replace("micros(", "(1000000 * extract(epoch FROM ")
            .replace(") AS created_at", "))::bigint AS created_at").replace(") AS updated_at", "))::bigint AS updated_at")
            + " FROM bank." + table.getKey())) {
          int count = result.getMetaData().getColumnCount();
          while (result.next()) {
            StringBuilder text = new StringBuilder();
            for (int i = 1; i <= count; i++) {
              text.append(result.getString(i)).append('|');
            }
            rows.put(result.getLong(1), text.toString());
          }
        }
        tables.put(table.getKey(), rows);
      }
    }
    return tables;
  }

  /** The same, from the validated Delta tables (tombstones skipped). */
  private static Map<String, Map<Long, String>> lakeRows() {
    Map<String, Map<Long, String>> tables = new TreeMap<>();
    for (Map.Entry<String, String> table : COMPARED.entrySet()) {
      String columns = table.getValue().replace("%s(", "unix_micros(").replace("varchar", "string");
      Map<Long, String> rows = new TreeMap<>();
      for (Row row : spark.read().format("delta").load(paths().validated("bank", table.getKey())).where("_op <> 'd'")
          .selectExpr(columns.split(", (?![^(]*\\))")).collectAsList()) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < row.length(); i++) {
          text.append(row.isNullAt(i) ? "null" : row.get(i).toString()).append('|');
        }
        rows.put(row.getLong(0), text.toString());
      }
      tables.put(table.getKey(), rows);
    }
    return tables;
  }

  private static void sql(String... statements) throws Exception {
    world.sql(statements);
  }

  private static void capture() throws Exception {
    world.capture(dir, 0);
  }
}
