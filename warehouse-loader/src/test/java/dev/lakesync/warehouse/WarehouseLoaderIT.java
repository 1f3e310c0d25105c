package dev.lakesync.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.stream.SparkSessions;
import io.delta.tables.DeltaTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL warehouse fed from real validated Delta tables, which this test writes the way the
 * stream-processor does (MERGE by key, deletes as tombstones with _op = 'd', Change Data Feed on). Every expected
 * warehouse row is written out here by hand.
 */
class WarehouseLoaderIT {
  private static final StructType CUSTOMER = new StructType().add("id", DataTypes.LongType).add("name", DataTypes.StringType)
      .add("email", DataTypes.StringType).add("segment", DataTypes.StringType).add("created_at", DataTypes.TimestampType)
      .add("updated_at", DataTypes.TimestampType);
  private static final StructType ACCOUNT = new StructType().add("id", DataTypes.LongType)
      .add("customer_id", DataTypes.LongType).add("type", DataTypes.StringType)
      .add("balance", DataTypes.createDecimalType(14, 2)).add("currency", DataTypes.StringType)
      .add("status", DataTypes.StringType).add("updated_at", DataTypes.TimestampType);
  private static final StructType PAYMENT = new StructType().add("id", DataTypes.LongType)
      .add("account_id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(14, 2))
      .add("currency", DataTypes.StringType).add("merchant", DataTypes.StringType).add("status", DataTypes.StringType)
      .add("created_at", DataTypes.TimestampType);
  private static final String T0 = "2026-11-01T09:00:00Z";

  @TempDir
  static Path dir;

  private static EmbeddedPostgres postgres;
  private static SparkSession spark;
  private static PipelineConfig config;
  private static long position = 1000;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, {name: bank.payments, key: [id]}]",
        "warehouse: {type: postgresql, jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + postgres.getPort()
            + "/postgres', user: postgres, schema: dw}", ""));
    config = new PipelineConfigLoader(name -> null).load(file);
    spark = SparkSessions.create(config, "lakesync-warehouse-it");
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
  void loadsDimensionsAndFactsIncrementallyExactlyOnce() throws Exception {
    // Initial state: three customers with an account each, three payments.
    apply("customers", CUSTOMER, "r", T0, customer(1, "Ada", "ada@x.org", "gold"), customer(2, "Bo", "bo@x.org", "retail"),
        customer(3, "Cy", "cy@x.org", "retail"));
    apply("accounts", ACCOUNT, "r", T0, account(10, 1, "100.00"), account(20, 2, "200.00"), account(30, 3, "300.00"));
    apply("payments", PAYMENT, "r", T0, payment(100, 10, "10.00", "EUR", "2026-11-02T10:00:00Z"),
        payment(101, 20, "5.00", "USD", "2026-11-02T11:00:00Z"), payment(102, 30, "7.50", "EUR", "2026-11-03T12:00:00Z"));
    String first = load();
    assertThat(first).contains("bank.customers snapshot v1 (3 rows)", "bank.payments snapshot v1 (3 rows)");
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
    apply("customers", CUSTOMER, "u", "2026-11-04T08:00:00Z", customer(2, "Bo", "bo@x.org", "gold"));
    apply("customers", CUSTOMER, "u", "2026-11-05T08:00:00Z", customer(2, "Bo", "bo@new.org", "gold"));
    apply("customers", CUSTOMER, "u", "2026-11-05T09:00:00Z", customer(1, "Ada", "ada@x.org", "gold"));
    apply("payments", PAYMENT, "d", "2026-11-06T08:00:00Z", payment(102, 30, "7.50", "EUR", "2026-11-03T12:00:00Z"));
    apply("accounts", ACCOUNT, "d", "2026-11-06T08:00:00Z", account(30, 3, "300.00"));
    apply("customers", CUSTOMER, "d", "2026-11-06T08:00:00Z", customer(3, "Cy", "cy@x.org", "retail"));
    apply("accounts", ACCOUNT, "u", "2026-11-06T09:00:00Z", account(10, 1, "90.00"));
    apply("payments", PAYMENT, "c", "2026-11-06T10:00:00Z", payment(103, 20, "20.00", "USD", "2026-11-06T10:00:00Z"));
    load();
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
      statement.execute("UPDATE dw._lakesync_load_state SET last_version = last_version - 3");
    }
    assertThat(load()).contains("warehouse: loaded");
    assertThat(everything()).isEqualTo(everything);

    // A crash after staging, before the commit: nothing of the load is visible; the rerun converges.
    apply("payments", PAYMENT, "c", "2026-11-07T10:00:00Z", payment(104, 10, "1.25", "EUR", "2026-11-07T10:00:00Z"));
    apply("customers", CUSTOMER, "u", "2026-11-07T11:00:00Z", customer(1, "Ada", "ada@x.org", "private"));
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
  }

  private static String load() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    new WarehouseLoader(config, spark, new PrintStream(output, true, StandardCharsets.UTF_8)).loadOnce();
    String text = output.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    return text;
  }

  /** MERGEs rows into a validated table as the stream-processor does: newest position wins, deletes are tombstones. */
  private static void apply(String table, StructType schema, String op, String at, Row... rows) {
    StructType withMetadata = schema.add("_op", DataTypes.StringType).add("_source_ts_ms", DataTypes.LongType)
        .add("_source_pos", DataTypes.StringType).add("_ingested_at", DataTypes.TimestampType);
    List<Row> full = new ArrayList<>();
    for (Row row : rows) {
      Object[] values = new Object[row.length() + 4];
      for (int i = 0; i < row.length(); i++) {
        values[i] = row.get(i);
      }
      values[row.length()] = op;
      values[row.length() + 1] = Instant.parse(at).toEpochMilli();
      values[row.length() + 2] = String.format("%020d/%020d", position, position++);
      values[row.length() + 3] = new Timestamp(System.currentTimeMillis());
      full.add(RowFactory.create(values));
    }
    Dataset<Row> changes = spark.createDataFrame(full, withMetadata);
    String path = new LakePaths(config.lake().root()).validated("bank", table);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      changes.limit(0).write().format("delta").save(path);
    }
    DeltaTable.forPath(spark, path).as("t").merge(changes.as("s"), "t.id = s.id")
        .whenMatched("s._source_pos > t._source_pos").updateAll().whenNotMatched().insertAll().execute();
  }

  private static Row customer(long id, String name, String email, String segment) {
    return RowFactory.create(id, name, email, segment, ts(T0), ts(T0));
  }

  private static Row account(long id, long customer, String balance) {
    return RowFactory.create(id, customer, "checking", new BigDecimal(balance), "EUR", "open", ts(T0));
  }

  private static Row payment(long id, long account, String amount, String currency, String at) {
    return RowFactory.create(id, account, new BigDecimal(amount), currency, "Shop", "booked", ts(at));
  }

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
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

  private static List<String> daily() throws Exception {
    return rows("SELECT payment_date, segment, currency, payment_count, amount_sum, amount_avg FROM dw.agg_payments_daily "
        + "ORDER BY 1, 2, 3");
  }

  private static List<String> everything() throws Exception {
    List<String> all = new ArrayList<>(rows("SELECT * FROM dw.dim_customer ORDER BY customer_sk"));
    all.addAll(rows("SELECT * FROM dw.dim_account ORDER BY account_id"));
    all.addAll(rows("SELECT * FROM dw.fact_payment ORDER BY payment_id"));
    all.addAll(daily());
    all.addAll(rows("SELECT source_table, last_version FROM dw._lakesync_load_state ORDER BY 1"));
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
