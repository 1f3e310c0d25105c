package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.serving.ServingSync;
import dev.lakesync.serving.sinks.DocumentType;
import dev.lakesync.serving.sinks.LocalDocumentStore;
import dev.lakesync.stream.HandMadeEvents;
import dev.lakesync.stream.SparkStack;
import dev.lakesync.stream.StreamProcessor;
import dev.lakesync.warehouse.WarehouseLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source transaction that books an order and raises its customer's total: the warehouse and the documents show
 * both changes or neither, when its two changes reach the processor in two micro-batches and when the processor
 * stops after one table's MERGE and before the other's: stopped by a fail rule (it resumes once the rule is fixed),
 * and dying as under kill -9 (a processor JVM of its own halts right after the first MERGE, see CrashPoint). The processor, warehouse loader and serving sync are the real stages; the events are hand-made.
 */
class TransactionVisibilityIT {
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - {name: shop.customers, key: [id]}",
      "  - name: shop.orders",
      "    key: [id]",
      "    rules: [{name: plausible, expr: 'amount < 1000', action: fail}]");

  @TempDir
  static Path dir;

  private static SparkStack world;
  private static String warehouseJdbc;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, TABLES, port -> String.join("\n",
        "warehouse:",
        "  type: postgresql",
        "  jdbcUrl: jdbc:postgresql://127.0.0.1:" + port + "/warehouse",
        "  user: postgres",
        "  schema: dw",
        "  models:",
        "    dim_customer: {kind: dimension, from: shop.customers, key: {customer_id: id}, columns: [total]}",
        "    dim_order: {kind: dimension, from: shop.orders, key: {order_id: id}, columns: [customer_id, amount]}",
        "serving:",
        "  sinks: [local]",
        "  local: {jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + port + "/serving', user: postgres}",
        "  documents:",
        "    customer:",
        "      table: shop.customers",
        "      partitionKey: customerId",
        "      fields: {customerId: cast(id AS string), total: total, orders: 'coalesce(orders, array())'}",
        "      children:",
        "        orders: {table: shop.orders, match: {customer_id: id}, fields: {id: id, amount: amount}, orderBy: id}"));
    warehouseJdbc = world.stack.jdbcUrl("warehouse");
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void aTransactionOverTwoTablesIsWhollyVisibleOrNotAtAll() throws Exception {
    customer(1, 0, "t0", 10);
    order(9, 2, 1, "t0", 10);
    HandMadeEvents.sendEnd(world, "t0", Map.of("shop.customers", 1, "shop.orders", 1));
    world.process();
    publish();
    assertThat(seen()).isEqualTo("total=0 orders=[9:1.0] document={total=0, orders=[]}");

    // t1 books order 10 and raises the total; the first batch holds the customer's change and the END marker only.
    customer(1, 5, "t1", 20);
    HandMadeEvents.sendEnd(world, "t1", Map.of("shop.customers", 1, "shop.orders", 1));
    assertThat(world.process()).contains("open_transactions=1");
    publish();
    assertThat(seen()).as("t1 half applied: not shown").isEqualTo("total=0 orders=[9:1.0] document={total=0, orders=[]}");
    order(10, 1, 5, "t1", 20);
    assertThat(world.process()).contains("open_transactions=0");
    publish();
    assertThat(seen()).isEqualTo("total=5 orders=[9:1.0, 10:5.0] document={total=5, orders=[10:5.0]}");

    // t2's order breaks a fail rule: the processor stops with the customer's change MERGEd and the order's not.
    customer(1, 2005, "t2", 30);
    order(11, 1, 2000, "t2", 30);
    HandMadeEvents.sendEnd(world, "t2", Map.of("shop.customers", 1, "shop.orders", 1));
    assertThatThrownBy(world::process).hasStackTraceContaining("plausible");
    assertThat(world.spark.read().format("delta").load(world.paths().validated("shop", "customers"))
        .selectExpr("total").first().getLong(0)).as("the lake's newest version holds half of t2").isEqualTo(2005L);
    publish();
    assertThat(seen()).as("t2 half applied: not shown").isEqualTo("total=5 orders=[9:1.0, 10:5.0] document={total=5, orders=[10:5.0]}");

    // The rule is fixed and the processor resumes: the batch is replayed and t2 shows whole.
    Path fixed = dir.resolve("fixed.yaml");
    Files.writeString(fixed, Files.readString(world.stack.config()).replace("amount < 1000", "amount < 100000"));
    PipelineConfig config = new PipelineConfigLoader(name -> null).load(fixed);
    new StreamProcessor(config, world.spark, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run(true, Duration.ofSeconds(1), 0);
    publish();
    assertThat(seen()).isEqualTo("total=2005 orders=[9:1.0, 10:5.0, 11:2000.0] document={total=2005, orders=[10:5.0, 11:2000.0]}");

    // t3: the processor, in a JVM of its own, dies as under kill -9 right after the first of the two MERGEs.
    String pointBefore = newestPoint();
    customer(1, 2008, "t3", 40);
    order(12, 1, 3, "t3", 40);
    HandMadeEvents.sendEnd(world, "t3", Map.of("shop.customers", 1, "shop.orders", 1));
    Path log = dir.resolve("crashed-process.log");
    Process crashing = new ProcessBuilder(processCommand(fixed, "-Dlakesync.crashAfter=merge"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(crashing.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(crashing.exitValue()).as(Files.readString(log)).isEqualTo(137);
    assertThat(Files.readString(log)).contains("process: halting right after a merge");
    assertThat(newestPoint()).as("no consistent point recorded with t3 in part").isEqualTo(pointBefore);
    publish();
    assertThat(seen()).as("t3 half applied: not shown")
        .isEqualTo("total=2005 orders=[9:1.0, 10:5.0, 11:2000.0] document={total=2005, orders=[10:5.0, 11:2000.0]}");

    // Started again, it replays the batch: t3 shows whole.
    new StreamProcessor(config, world.spark, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
        .run(true, Duration.ofSeconds(1), 0);
    publish();
    assertThat(seen()).isEqualTo("total=2008 orders=[9:1.0, 10:5.0, 11:2000.0, 12:3.0] "
        + "document={total=2008, orders=[10:5.0, 11:2000.0, 12:3.0]}");
  }

  /** The processor on this JVM's classpath with Spark's Java 17 options, over the pipeline config {@code config}. */
  private static List<String> processCommand(Path config, String property) {
    Path home = Path.of("").toAbsolutePath().getParent();
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + home.resolve("deploy/jvm/spark-java17.args"), property, "-cp", System.getProperty("java.class.path"),
        "dev.lakesync.stream.StreamProcessorMain", "--config", config.toString(), "--once");
  }

  /** The newest consistent point's file name, or "none". */
  private static String newestPoint() throws Exception {
    Path points = Path.of(world.paths().state("stream-processor").replaceFirst("^file:", ""), "consistent-points");
    try (java.util.stream.Stream<Path> files = Files.list(points)) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".json")).max(String::compareTo)
          .orElse("none");
    }
  }

  private static void customer(long id, long total, String tx, long lsn) throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("total", total);
    Map<String, String> types = new LinkedHashMap<>();
    types.put("id", "int64");
    types.put("total", "int64");
    String op = total == 0 ? "c" : "u";
    HandMadeEvents.send(world, "shop", "customers", id, op, HandMadeEvents.change(op, row, types, tx, 1, lsn));
  }

  private static void order(long id, long customer, double amount, String tx, long lsn) throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("customer_id", customer);
    row.put("amount", amount);
    Map<String, String> types = new LinkedHashMap<>();
    types.put("id", "int64");
    types.put("customer_id", "int64");
    types.put("amount", "double");
    HandMadeEvents.send(world, "shop", "orders", id, "c", HandMadeEvents.change("c", row, types, tx, 1, lsn));
  }

  /** Runs the warehouse load and the serving sync once each. */
  private static void publish() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    new WarehouseLoader(world.config, world.spark, quiet).loadOnce();
    try (ServingSync sync = new ServingSync(world.config, world.spark, quiet)) {
      sync.syncOnce();
    }
  }

  /** Customer 1's total and orders in the warehouse, and its document's. */
  private static String seen() throws Exception {
    long total;
    List<String> orders = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(warehouseJdbc, "postgres", "");
         Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT total FROM dw.dim_customer WHERE customer_id = 1")) {
        total = rows.next() ? rows.getLong(1) : -1;
      }
      try (ResultSet rows = statement.executeQuery("SELECT order_id, amount FROM dw.dim_order ORDER BY order_id")) {
        while (rows.next()) {
          orders.add(rows.getLong(1) + ":" + rows.getDouble(2));
        }
      }
    }
    String document;
    try (LocalDocumentStore store = LocalDocumentStore.open(world.config.serving().get().local().get(),
        List.of(new DocumentType("customer", List.of(), "customerId", List.of())))) {
      com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(store.get("customer", "1", "1").orElseThrow());
      List<String> documentOrders = new ArrayList<>();
      json.path("orders").forEach(order -> documentOrders.add(order.path("id").asLong() + ":" + order.path("amount").asDouble()));
      document = "{total=" + json.path("total").asLong() + ", orders=" + documentOrders + "}";
    }
    return "total=" + total + " orders=" + orders + " document=" + document;
  }
}
