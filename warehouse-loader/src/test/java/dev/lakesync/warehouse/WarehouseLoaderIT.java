package dev.lakesync.warehouse;

import static dev.lakesync.lake.ValidatedTables.T0;
import static dev.lakesync.lake.ValidatedTables.account;
import static dev.lakesync.lake.ValidatedTables.customer;
import static dev.lakesync.lake.ValidatedTables.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.lake.SparkSessions;
import dev.lakesync.lake.ValidatedTables;
import dev.lakesync.warehouse.model.BankModels;
import dev.lakesync.warehouse.model.ColumnType;
import dev.lakesync.warehouse.model.ResolvedModel;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL warehouse fed from real validated Delta tables, which this test writes the way the
 * stream-processor does (MERGE by key, deletes as tombstones with _op = 'd', Change Data Feed on). Every expected
 * warehouse row is written out here by hand.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarehouseLoaderIT {

  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;
  private static SparkSession spark;
  private static PipelineConfig config;
  private static ValidatedTables lake;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    config = BankModels.config(dir, BankModels.warehouse("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres"));
    spark = SparkSessions.create(config, "lakesync-warehouse-it");
    lake = new ValidatedTables(spark, new LakePaths(config.lake().root()));
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
  void loadsDimensionsAndFactsIncrementallyExactlyOnce() throws Exception {
    // Initial state: three customers with an account each, three payments.
    lake.customers("r", T0, customer(1, "Ada", "ada@x.org", "gold"), customer(2, "Bo", "bo@x.org", "retail"),
        customer(3, "Cy", "cy@x.org", "retail"));
    lake.accounts("r", T0, account(10, 1, "100.00"), account(20, 2, "200.00"), account(30, 3, "300.00"));
    lake.payments("r", T0, payment(100, 10, "10.00", "EUR", "2026-11-02T10:00:00Z"),
        payment(101, 20, "5.00", "USD", "2026-11-02T11:00:00Z"), payment(102, 30, "7.50", "EUR", "2026-11-03T12:00:00Z"));
    // The first load fills the empty fact table in bulk (its key dropped, rebuilt after the rows): a crash before the
    // commit leaves no row and the key in place.
    WarehouseLoader crashingFirst = new WarehouseLoader(config, spark, System.out).beforeCommit(() -> {
      throw new IllegalStateException("injected crash before the first commit");
    });
    assertThatThrownBy(crashingFirst::loadOnce).hasMessageContaining("injected crash");
    assertThat(rows("SELECT count(*) FROM dw.fact_payment")).containsExactly("0");
    assertThat(factKey()).containsExactly("PRIMARY KEY (payment_id)");
    String first = load();
    assertThat(first).contains("dim_customer snapshot v1 (3 rows)", "fact_payment snapshot v1 (3 rows)",
        "agg_payments_daily (rebuilt)");
    assertThat(factKey()).containsExactly("PRIMARY KEY (payment_id)");
    assertThat(customers()).containsExactly(
        "1|Ada|gold|2026-11-01T09:00:00Z|null|true",
        "2|Bo|retail|2026-11-01T09:00:00Z|null|true",
        "3|Cy|retail|2026-11-01T09:00:00Z|null|true");
    assertThat(rows("SELECT account_id, customer_id, balance FROM dw.dim_account ORDER BY 1"))
        .containsExactly("10|1|100.00", "20|2|200.00", "30|3|300.00");
    assertThat(facts()).containsExactly("100|10|1|Ada|10.00|2026-11-02", "101|20|2|Bo|5.00|2026-11-02",
        "102|30|3|Cy|7.50|2026-11-03");
    assertThat(daily()).containsExactly("2026-11-02|gold|EUR|1|10.00|10.00", "2026-11-02|retail|USD|1|5.00|5.00",
        "2026-11-03|retail|EUR|1|7.50|7.50");

    // Changes: Bo moves to gold, then changes email; Cy leaves (payments, account, customer deleted); Ada's account
    // balance changes; an update that touches only updated_at makes no new version; Bo pays after both changes.
    lake.customers("u", "2026-11-04T08:00:00Z", customer(2, "Bo", "bo@x.org", "gold"));
    lake.customers("u", "2026-11-05T08:00:00Z", customer(2, "Bo", "bo@new.org", "gold"));
    lake.customers("u", "2026-11-05T09:00:00Z", customer(1, "Ada", "ada@x.org", "gold"));
    lake.payments("d", "2026-11-06T08:00:00Z", payment(102, 30, "7.50", "EUR", "2026-11-03T12:00:00Z"));
    lake.accounts("d", "2026-11-06T08:00:00Z", account(30, 3, "300.00"));
    lake.customers("d", "2026-11-06T08:00:00Z", customer(3, "Cy", "cy@x.org", "retail"));
    lake.accounts("u", "2026-11-06T09:00:00Z", account(10, 1, "90.00"));
    lake.payments("c", "2026-11-06T10:00:00Z", payment(103, 20, "20.00", "USD", "2026-11-06T10:00:00Z"));
    // The type 2 dimension's changes open versions and move no payment: only the days of the changed payments are
    // recomputed.
    assertThat(load()).contains("agg_payments_daily (refreshed)");
    List<String> afterChanges = List.of(
        "1|Ada|gold|2026-11-01T09:00:00Z|null|true",
        "2|Bo|retail|2026-11-01T09:00:00Z|2026-11-04T08:00:00Z|false",
        "2|Bo|gold|2026-11-04T08:00:00Z|2026-11-05T08:00:00Z|false",
        "2|Bo|gold|2026-11-05T08:00:00Z|null|true",
        "3|Cy|retail|2026-11-01T09:00:00Z|2026-11-06T08:00:00Z|false");
    assertThat(customers()).containsExactlyElementsOf(afterChanges);
    assertThat(rows("SELECT customer_id, count(*) FILTER (WHERE is_current) FROM dw.dim_customer GROUP BY 1 ORDER BY 1"))
        .as("exactly one current row per live customer").containsExactly("1|1", "2|1", "3|0");
    assertThat(rows("SELECT count(*) FROM dw.dim_customer a JOIN dw.dim_customer b ON a.customer_id = b.customer_id "
        + "AND a.customer_sk < b.customer_sk AND a.valid_from < coalesce(b.valid_to, 'infinity') "
        + "AND b.valid_from < coalesce(a.valid_to, 'infinity')")).as("no overlapping intervals").containsExactly("0");
    assertThat(rows("SELECT account_id, customer_id, balance FROM dw.dim_account ORDER BY 1"))
        .containsExactly("10|1|90.00", "20|2|200.00");
    // Payment 101 keeps the version of Bo valid when it was made (retail); 103 gets the newest (gold).
    assertThat(facts()).containsExactly("100|10|1|Ada|10.00|2026-11-02", "101|20|2|Bo|5.00|2026-11-02",
        "103|20|2|Bo|20.00|2026-11-06");
    assertThat(rows("SELECT f.payment_id, c.segment, c.email FROM dw.fact_payment f JOIN dw.dim_customer c "
        + "ON c.customer_sk = f.customer_sk ORDER BY 1"))
        .containsExactly("100|gold|ada@x.org", "101|retail|bo@x.org", "103|gold|bo@new.org");
    assertThat(daily()).containsExactly("2026-11-02|gold|EUR|1|10.00|10.00", "2026-11-02|retail|USD|1|5.00|5.00",
        "2026-11-06|gold|USD|1|20.00|20.00");

    // Nothing new: nothing happens. The same range loaded again (load state set back): nothing changes.
    List<String> everything = everything();
    assertThat(load()).isEmpty();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("UPDATE dw._lakesync_model_state SET last_version = last_version - 3");
    }
    assertThat(load()).contains("warehouse: loaded");
    assertThat(everything()).isEqualTo(everything);

    // A crash after staging, before the commit: nothing of the load is visible; the rerun converges.
    lake.payments("c", "2026-11-07T10:00:00Z", payment(104, 10, "1.25", "EUR", "2026-11-07T10:00:00Z"));
    lake.customers("u", "2026-11-07T11:00:00Z", customer(1, "Ada", "ada@x.org", "private"));
    WarehouseLoader crashing = new WarehouseLoader(config, spark, System.out).beforeCommit(() -> {
      throw new IllegalStateException("injected crash before commit");
    });
    assertThatThrownBy(crashing::loadOnce).hasMessageContaining("injected crash");
    assertThat(everything()).isEqualTo(everything);
    load();
    assertThat(facts()).contains("104|10|1|Ada|1.25|2026-11-07");
    assertThat(customers()).contains("1|Ada|gold|2026-11-01T09:00:00Z|2026-11-07T11:00:00Z|false",
        "1|Ada|private|2026-11-07T11:00:00Z|null|true");
    assertThat(daily()).contains("2026-11-07|gold|EUR|1|1.25|1.25");

    // A payment whose time moves to another day: both days are recomputed (the old one loses it).
    lake.payments("u", "2026-11-08T12:00:00Z", payment(104, 10, "1.25", "EUR", "2026-11-08T10:00:00Z"));
    load();
    assertThat(daily()).noneMatch(row -> row.startsWith("2026-11-07|"))
        .contains("2026-11-08|private|EUR|1|1.25|1.25");

    // A payment made before its customer's first version (a late-arriving fact) takes that first version.
    lake.payments("c", "2026-11-09T12:00:00Z", payment(105, 20, "3.00", "EUR", "2026-10-30T10:00:00Z"));
    load();
    assertThat(rows("SELECT f.payment_id, c.segment, c.email FROM dw.fact_payment f JOIN dw.dim_customer c "
        + "ON c.customer_sk = f.customer_sk WHERE f.payment_id = 105")).containsExactly("105|retail|bo@x.org");
  }

  @Test
  void stagingKeepsEveryValueAsWritten() throws Exception {
    // Text that CSV must quote (commas, quotes, newlines), an empty string next to a NULL, non-ASCII, a timestamp
    // with microseconds, a negative amount, bytes, a boolean, a double and a date: each comes back exactly.
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = spark.sql("SELECT * FROM VALUES "
        + "(1L, CAST(-12.34 AS DECIMAL(14,2)), 'Caf\u00e9 \"Chez, Nous\"\nLine 2', '', "
        + "TIMESTAMP'2026-11-02 10:00:00.123456', X'00FF2C0A22', true, 0.5D, DATE'2026-11-02', 'c', '0001/0002'), "
        + "(2L, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'u', '0003/0004') "
        + "AS t(id, amount, merchant, status, created_at, blob, flag, ratio, day, _op, _source_pos)");
    PipelineConfig declared = BankModels.config(dir.resolve("odd"), "warehouse: {type: postgresql, jdbcUrl: "
        + "'jdbc:postgresql://127.0.0.1/x', models: {odd: {kind: fact, from: bank.payments, key: [id]}}}");
    ResolvedModel model = ResolvedModel.table(declared.warehouse().orElseThrow().models().get(0), java.util.Map.of(),
        List.of(column("id", ColumnType.BIGINT)), List.of(column("amount", ColumnType.decimal(14, 2)),
            column("merchant", ColumnType.TEXT), column("status", ColumnType.TEXT), column("created_at", ColumnType.TIMESTAMP),
            column("blob", ColumnType.of(ColumnType.Kind.BINARY)), column("flag", ColumnType.of(ColumnType.Kind.BOOLEAN)),
            column("ratio", ColumnType.DOUBLE), column("day", ColumnType.of(ColumnType.Kind.DATE))), List.of());
    PostgresDialect dialect = new PostgresDialect(config.warehouse().orElseThrow());
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE SCHEMA IF NOT EXISTS dw");
      }
      dialect.prepareStaging(connection, List.of(model));
      assertThat(dialect.stage(connection, model, rows)).isEqualTo(2);
    }
    assertThat(rows("SELECT id, amount, merchant, status IS NULL, status, "
        + "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), encode(blob, 'hex'), flag, ratio, day, "
        + "_op, _source_pos FROM dw._lakesync_stg_odd ORDER BY 1")).containsExactly(
        "1|-12.34|Caf\u00e9 \"Chez, Nous\"\nLine 2|f||2026-11-02 10:00:00.123456|00ff2c0a22|t|0.5|2026-11-02|c|0001/0002",
        "2|null|null|t|null|null|null|null|null|null|u|0003/0004");
    // Every staging column (the computed timestamp too) is analyzed from a light sample.
    assertThat(rows("SELECT DISTINCT attstattarget FROM pg_attribute WHERE attrelid = 'dw._lakesync_stg_odd'::regclass "
        + "AND attnum > 0 AND NOT attisdropped")).containsExactly("10");
  }

  private static ResolvedModel.Column column(String name, ColumnType type) {
    return new ResolvedModel.Column(name, type);
  }

  @Test
  @Order(2) // after the first test: with no validated table in the lake a load waits without connecting
  void aSecondLoadOfTheSameSchemaAtOnceStopsWithAClearError() throws Exception {
    try (Connection holder = postgres.getPostgresDatabase().getConnection();
         Statement statement = holder.createStatement()) {
      statement.execute("CREATE SCHEMA IF NOT EXISTS dw");
      new PostgresDialect(config.warehouse().orElseThrow()).lock(holder); // a load in progress elsewhere
      assertThatThrownBy(() -> new WarehouseLoader(config, spark, System.out).loadOnce())
          .hasMessageContaining("another warehouse load is running against schema dw");
    }
  }

  @Test
  @Order(3)
  void aModelOfEveryColumnWithACompositeKeyFollowsItsTableAndGainsAColumnTheSourceAdds() throws Exception {
    String lines = new LakePaths(config.lake().root()).validated("shop", "order_lines");
    PipelineConfig shop = shopConfig(String.join("\n",
        "    lines: {kind: fact, from: shop.order_lines, key: [order_id, line_no]}",
        "    line_totals: {kind: aggregate, from: lines, groupBy: [order_id], measures: {qty: sum(qty), line_count: count(*)}}"));
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    WarehouseLoader loader = new WarehouseLoader(shop, spark, new PrintStream(output, true, StandardCharsets.UTF_8));
    assertThat(loader.loadOnce()).isZero();
    assertThat(output.toString(StandardCharsets.UTF_8)).contains("warehouse: waiting for shop.order_lines to appear in the lake");

    spark.sql("CREATE TABLE delta.`" + lines + "` (order_id BIGINT, line_no INT, sku STRING, qty INT, _op STRING, "
        + "_source_ts_ms BIGINT, _source_pos STRING, _ingested_at TIMESTAMP) USING delta "
        + "TBLPROPERTIES (delta.enableChangeDataFeed = true)");
    spark.sql("INSERT INTO delta.`" + lines + "` VALUES (1, 1, 'apple', 2, 'r', 0, '" + pos(1) + "', now()), "
        + "(1, 2, 'pear', 1, 'r', 0, '" + pos(2) + "', now()), (2, 1, 'apple', 5, 'r', 0, '" + pos(3) + "', now())");
    loader.loadOnce();
    assertThat(rows("SELECT order_id, line_no, sku, qty FROM dw2.lines ORDER BY 1, 2"))
        .containsExactly("1|1|apple|2", "1|2|pear|1", "2|1|apple|5");
    assertThat(rows("SELECT order_id, qty, line_count FROM dw2.line_totals ORDER BY 1")).containsExactly("1|3|2", "2|5|1");

    // The source adds a column; a line changes, one is deleted (a tombstone), one is new with the new column set.
    spark.sql("ALTER TABLE delta.`" + lines + "` ADD COLUMNS (note STRING)");
    spark.sql("UPDATE delta.`" + lines + "` SET qty = 4, _op = 'u', _source_pos = '" + pos(4) + "' "
        + "WHERE order_id = 1 AND line_no = 1");
    spark.sql("UPDATE delta.`" + lines + "` SET _op = 'd', _source_pos = '" + pos(5) + "' WHERE order_id = 2");
    spark.sql("INSERT INTO delta.`" + lines + "` VALUES (1, 3, 'fig', 7, 'c', 0, '" + pos(6) + "', now(), 'gift')");
    loader.loadOnce();
    assertThat(rows("SELECT order_id, line_no, sku, qty, note FROM dw2.lines ORDER BY 1, 2"))
        .containsExactly("1|1|apple|4|null", "1|2|pear|1|null", "1|3|fig|7|gift");
    assertThat(rows("SELECT order_id, qty, line_count FROM dw2.line_totals ORDER BY 1")).containsExactly("1|12|3");
    assertThat(loader.loadOnce()).as("nothing new").isZero();
  }

  @Test
  @Order(4)
  void modelsThatDoNotMatchTheLakeStopTheLoadNamingEveryProblem() throws Exception {
    PipelineConfig shop = shopConfig(String.join("\n",
        "    lines: {kind: dimension, from: shop.order_lines, key: [order_id, line_no], columns: {sku: sku, cost: 'qty * prize'}}",
        "    totals: {kind: fact, from: shop.order_lines, key: {id: order_id}, columns: {tags: 'array(sku)'}}"));
    assertThatThrownBy(() -> new WarehouseLoader(shop, spark, System.out).loadOnce())
        .isInstanceOf(StageMain.ConfigProblem.class)
        .hasMessageContaining("warehouse.models.lines.columns.cost: 'qty * prize' does not work on shop.order_lines")
        .hasMessageContaining("warehouse.models.totals.columns.tags: 'array(sku)' is of type array<string>, which a "
            + "warehouse column cannot hold");
  }

  private static PipelineConfig shopConfig(String models) throws Exception {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: shop, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: shop.order_lines, key: [order_id, line_no]}]",
        "warehouse:",
        "  type: postgresql",
        "  jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres'",
        "  user: postgres",
        "  schema: dw2",
        "  models:",
        models, ""));
    return new PipelineConfigLoader(name -> null).load(file);
  }

  private static String pos(long n) {
    return String.format("%020d/%020d", n, n);
  }

  private static String load() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new WarehouseLoader(config, spark, new PrintStream(output, true, StandardCharsets.UTF_8)).loadOnce();
    String text = output.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    return text;
  }

  private static List<String> customers() throws Exception {
    return rows("SELECT customer_id, name, segment, to_char(valid_from AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        + "coalesce(to_char(valid_to AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'null'), is_current::text "
        + "FROM dw.dim_customer ORDER BY customer_id, valid_from");
  }

  private static List<String> facts() throws Exception {
    return rows("SELECT f.payment_id, f.account_id, f.customer_id, c.name, f.amount, f.payment_date FROM dw.fact_payment f "
        + "LEFT JOIN dw.dim_customer c ON c.customer_sk = f.customer_sk ORDER BY 1");
  }

  private static List<String> factKey() throws Exception {
    return rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'dw.fact_payment'::regclass "
        + "AND contype = 'p'");
  }

  private static List<String> daily() throws Exception {
    return rows("SELECT payment_date, segment, currency, payment_count, amount_sum, amount_avg FROM dw.agg_payments_daily "
        + "ORDER BY 1, 2, 3");
  }

  private static List<String> everything() throws Exception {
    List<String> all = new ArrayList<>(rows("SELECT * FROM dw.dim_customer ORDER BY customer_sk"));
    all.addAll(rows("SELECT * FROM dw.dim_account ORDER BY account_id"));
    all.addAll(rows("SELECT * FROM dw.fact_payment ORDER BY payment_id"));
    all.addAll(daily());
    all.addAll(rows("SELECT model, last_version FROM dw._lakesync_model_state ORDER BY 1"));
    return all;
  }

  private static List<String> rows(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      int count = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= count; i++) {
          text.append(i > 1 ? "|" : "").append(result.getString(i));
        }
        rows.add(text.toString());
      }
    }
    return rows;
  }
}
