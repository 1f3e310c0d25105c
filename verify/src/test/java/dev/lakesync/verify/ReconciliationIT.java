package dev.lakesync.verify;

import static dev.lakesync.lake.ValidatedTables.T0;
import static dev.lakesync.lake.ValidatedTables.account;
import static dev.lakesync.lake.ValidatedTables.customer;
import static dev.lakesync.lake.ValidatedTables.payment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.DemoPipeline;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.lake.ValidatedTables;
import dev.lakesync.serving.ServingSync;
import dev.lakesync.serving.sinks.Document;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.LocalDocumentStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source database, validated Delta tables, a warehouse and the local serving store, all written here by hand to
 * agree; then each target is made to differ in one key and verify must name that key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReconciliationIT {
  private static final String CUSTOMER = "customer";
  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;
  private static SparkSession spark;
  private static PipelineConfig config;
  private static ValidatedTables lake;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    Path file = dir.resolve("pipeline.yaml");
    String jdbc = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, port: " + postgres.getPort() + ", database: postgres, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, {name: bank.payments, key: [id]}]",
        "warehouse:\n  type: postgresql\n  jdbcUrl: '" + jdbc + "'\n  user: postgres\n  schema: dw\n"
            + DemoPipeline.block(Path.of(".."), "warehouse", "models"),
        "serving:\n  sinks: [local]\n  local: {jdbcUrl: '" + jdbc + "', user: postgres}\n"
            + DemoPipeline.block(Path.of(".."), "serving", "documents")));
    config = new PipelineConfigLoader(name -> null).load(file);
    spark = SparkSessions.create(config, "lakesync-verify-it");
    lake = new ValidatedTables(spark, new LakePaths(config.lake().root()));

    sql("CREATE SCHEMA bank",
        "CREATE TABLE bank.customers (id bigint PRIMARY KEY, name text, email text, segment text, created_at timestamptz, updated_at timestamptz)",
        "CREATE TABLE bank.accounts (id bigint PRIMARY KEY, customer_id bigint, type text, balance numeric(14,2), currency char(3), status text, updated_at timestamptz)",
        "CREATE TABLE bank.payments (id bigint PRIMARY KEY, account_id bigint, amount numeric(14,2), currency char(3), merchant text, status text, created_at timestamptz)",
        "INSERT INTO bank.customers VALUES (1, 'Ada', 'ada@x.org', 'retail', '" + T0 + "', '" + T0 + "'), (2, 'Bo', 'bo@x.org', 'premium', '" + T0 + "', '" + T0 + "')",
        "INSERT INTO bank.accounts VALUES (10, 1, 'checking', 100.00, 'EUR', 'open', '" + T0 + "'), (20, 2, 'checking', 250.50, 'EUR', 'open', '" + T0 + "')",
        // Payment 101 was changed to a negative amount at the source; that change was quarantined.
        "INSERT INTO bank.payments VALUES (100, 10, 10.00, 'EUR', 'Shop', 'booked', '2026-11-02T10:00:00Z'), (101, 20, -5.00, 'EUR', 'Shop', 'booked', '2026-11-02T11:00:00Z')",
        "CREATE SCHEMA dw",
        "CREATE TABLE dw.dim_customer (customer_sk bigserial, customer_id bigint, name text, email text, segment text, is_current boolean)",
        "CREATE TABLE dw.dim_account (account_id bigint, customer_id bigint, type text, balance numeric(14,2), currency text, status text, updated_at timestamptz)",
        "CREATE TABLE dw.fact_payment (payment_id bigint, account_id bigint, amount numeric(14,2), currency text, merchant text, status text, created_at timestamptz, payment_date date, customer_id bigint, customer_sk bigint)",
        "CREATE TABLE dw.agg_payments_daily (payment_date date, segment text, currency text, payment_count bigint, amount_sum numeric(38,2), amount_avg numeric(38,2))",
        "INSERT INTO dw.agg_payments_daily VALUES ('2026-11-02', 'retail', 'EUR', 1, 10.00, 10.00), ('2026-11-02', 'premium', 'EUR', 1, 5.00, 5.00)",
        "INSERT INTO dw.dim_customer (customer_id, name, email, segment, is_current) VALUES (1, 'Ada', 'old@x.org', 'retail', false), (1, 'Ada', 'ada@x.org', 'retail', true), (2, 'Bo', 'bo@x.org', 'premium', true)",
        "INSERT INTO dw.dim_account VALUES (10, 1, 'checking', 100.00, 'EUR', 'open', '" + T0 + "'), (20, 2, 'checking', 250.50, 'EUR', 'open', '" + T0 + "')",
        // Customer 1's current version has surrogate key 2, customer 2's has 3.
        "INSERT INTO dw.fact_payment VALUES (100, 10, 10.00, 'EUR', 'Shop', 'booked', '2026-11-02T10:00:00Z', '2026-11-02', 1, 2), (101, 20, 5.00, 'EUR', 'Shop', 'booked', '2026-11-02T11:00:00Z', '2026-11-02', 2, 3)");

    lake.customers("r", T0, customer(1, "Ada", "ada@x.org", "retail"), customer(2, "Bo", "bo@x.org", "premium"));
    lake.accounts("r", T0, RowFactory.create(10L, 1L, "checking", new java.math.BigDecimal("100.00"), "EUR", "open", ValidatedTables.ts(T0)),
        RowFactory.create(20L, 2L, "checking", new java.math.BigDecimal("250.50"), "EUR", "open", ValidatedTables.ts(T0)));
    lake.payments("r", T0, payment(100, 10, "10.00", "EUR", "2026-11-02T10:00:00Z"), payment(101, 20, "5.00", "EUR", "2026-11-02T11:00:00Z"));
    quarantine("{\"schema\":{},\"payload\":{\"before\":null,\"after\":{\"id\":101,\"account_id\":20,\"amount\":-5.00},"
        + "\"source\":{\"connector\":\"postgresql\",\"lsn\":999999,\"sequence\":\"[\\\"999999\\\",\\\"999999\\\"]\"},\"op\":\"u\"}}",
        "not json at all");

    // The serving stage itself writes the documents.
    try (ServingSync sync = new ServingSync(config, spark, new PrintStream(new ByteArrayOutputStream(), true))) {
      assertThat(sync.syncOnce()).isEqualTo(2);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @Order(1)
  void agreeingTargetsReconcileAndAQuarantinedChangeIsNotAMismatch() throws Exception {
    String out = verify();
    assertThat(out).contains("verify: bank.payments source=2 lake=2 (quarantined changes explaining a difference: 1)",
        "verify: warehouse fact_payment (from bank.payments) lake=2 warehouse=2",
        "verify: warehouse agg_payments_daily (aggregate of fact_payment) recomputed=2 warehouse=2",
        "verify: bank.payments quarantined events: not JSON=1, rule amount_positive=1");
    assertThat(out).contains("verify: serving customer documents=2 live_rows=2 compared_in_full=2 differing=0");
    assertThat(out).endsWith("reconciliation: tables=3 source_rows=6 lake_rows=6 warehouse_rows=8 serving_docs=2 mismatches=0\n");
  }

  @Test
  @Order(2)
  void eachTargetThatDiffersIsNamedByKey() throws Exception {
    sql("UPDATE bank.customers SET segment = 'private' WHERE id = 2", // the source moved on, the lake did not
        "UPDATE dw.dim_account SET balance = 1.00 WHERE account_id = 10", // the warehouse differs
        "DELETE FROM dw.fact_payment WHERE payment_id = 100", // and its day's retail group is left in the aggregate
        "UPDATE dw.agg_payments_daily SET payment_count = 7 WHERE segment = 'premium'"); // an aggregate off its facts
    try (LocalDocumentStore store = LocalDocumentStore.open(config.serving().get().local().get(),
        List.of(new DocumentType(CUSTOMER, List.of(), "customerId", List.of())))) {
      String bo = store.get(CUSTOMER, "2", "2").orElseThrow().replace("\"name\":\"Bo\"", "\"name\":\"Bob\"");
      String newer = "99999999999999999999/00000000000000000000";
      store.write(List.of(Document.delete(CUSTOMER, "1", "1", newer), Document.upsert(CUSTOMER, "2", "2", newer, bo,
          "{}")));
    }
    String out = verify();
    assertThat(out).contains("verify: differs: bank.customers id=2 lake: {segment=private vs premium}",
        "verify: differs: dim_account account_id=10 warehouse: {balance=100 vs 1}",
        "verify: differs: fact_payment payment_id=100 warehouse: missing",
        "verify: differs: agg_payments_daily payment_date=2026-11-02,segment=retail,currency=EUR warehouse: extra",
        "verify: differs: agg_payments_daily payment_date=2026-11-02,segment=premium,currency=EUR warehouse: {payment_count=1 vs 7}",
        "verify: differs: customer 1 serving: no document",
        "verify: differs: customer 2 serving: profile.name: \"Bo\" vs \"Bob\"",
        "verify: serving customer documents=1 live_rows=2 compared_in_full=1 differing=1");
    assertThat(out).endsWith("reconciliation: tables=3 source_rows=6 lake_rows=6 warehouse_rows=7 serving_docs=1 mismatches=7\n");
  }

  private static String verify() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Reconciliation(config, spark, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static void quarantine(String... values) {
    StructType schema = new StructType().add("value", DataTypes.BinaryType)
        .add("reasons", DataTypes.createArrayType(DataTypes.StringType));
    List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    for (String value : values) {
      rows.add(RowFactory.create(value.getBytes(StandardCharsets.UTF_8),
          List.of(value.startsWith("{") ? "rule amount_positive" : "not JSON")));
    }
    spark.createDataFrame(rows, schema).write().format("delta").save(new LakePaths(config.lake().root()).quarantine("bank", "payments"));
  }

  private static void sql(String... statements) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", "");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
