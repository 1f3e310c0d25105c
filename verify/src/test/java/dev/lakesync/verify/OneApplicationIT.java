package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.stream.HandMadeEvents;
import dev.lakesync.stream.SparkStack;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run process --with warehouse,serving}: the processor, the warehouse load and the serving sync in one JVM
 * and Spark application (its own process here, as deployed), first {@code --once}, then continuously with one
 * metrics port for the three, stopped by SIGTERM. The events are hand-made; the stages are the real ones.
 */
class OneApplicationIT {
  @TempDir
  static Path dir;

  private static SparkStack world;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, "tables: [{name: shop.customers, key: [id]}]", port -> String.join("\n",
        "warehouse:",
        "  type: postgresql",
        "  jdbcUrl: jdbc:postgresql://127.0.0.1:" + port + "/warehouse",
        "  user: postgres",
        "  schema: dw",
        "  models:",
        "    dim_customer: {kind: dimension, from: shop.customers, key: {customer_id: id}, columns: [total]}",
        "serving:",
        "  sinks: [local]",
        "  local: {jdbcUrl: 'jdbc:postgresql://127.0.0.1:" + port + "/serving', user: postgres}",
        "  documents:",
        "    customer:",
        "      table: shop.customers",
        "      partitionKey: customerId",
        "      fields: {customerId: cast(id AS string), total: total}"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void processWarehouseAndServingRunInOneApplication() throws Exception {
    customer(1, 10, "t1", 10);
    Path onceLog = dir.resolve("once.log");
    Process once = start(onceLog, "--once", "--with", "warehouse,serving");
    assertThat(once.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(once.exitValue()).as(Files.readString(onceLog)).isZero();
    assertThat(Files.readString(onceLog)).contains("process: batch 0", "warehouse: loaded", "serving: ");
    assertThat(warehouseTotal(1)).isEqualTo(10);
    assertThat(documentTotal(1)).isEqualTo(10);

    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = dir.resolve("continuous.log");
    Process continuous = start(log, "--with", "warehouse,serving", "--follow-interval", "1s", "--metrics-port",
        String.valueOf(port));
    try {
      customer(1, 25, "t2", 20);
      customer(2, 7, "t3", 30);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(4))
          .pollInterval(java.time.Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> !continuous.isAlive() || (warehouseTotal(1) == 25 && documentTotal(2) == 7));
      assertThat(warehouseTotal(1)).as(Files.readString(log)).isEqualTo(25);
      assertThat(warehouseTotal(2)).isEqualTo(7);
      assertThat(documentTotal(1)).isEqualTo(25);
      assertThat(documentTotal(2)).isEqualTo(7);

      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("lakesync_process_", "lakesync_warehouse_passes_total{stage=\"warehouse\"}",
          "lakesync_serving_passes_total{stage=\"serving\"}",
          "lakesync_warehouse_table_freshness_ms{stage=\"warehouse\",table=\"shop.customers\"}");
    } finally {
      continuous.destroy(); // SIGTERM, as a supervisor stops it
      assertThat(continuous.waitFor(2, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(Files.readString(log)).contains("warehouse: stopped", "serving: stopped");
  }

  /** The processor with its followers on this JVM's classpath (all three stages) and Spark's Java 17 options. */
  private static Process start(Path log, String... options) throws Exception {
    Path home = Path.of("").toAbsolutePath().getParent();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + home.resolve("deploy/jvm/spark-java17.args"), "-cp", System.getProperty("java.class.path"),
        "dev.lakesync.stream.StreamProcessorMain", "--config", world.stack.config().toString()));
    command.addAll(List.of(options));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void customer(long id, long total, String tx, long lsn) throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("total", total);
    Map<String, String> types = new LinkedHashMap<>();
    types.put("id", "int64");
    types.put("total", "int64");
    HandMadeEvents.send(world, "shop", "customers", id, "u", HandMadeEvents.change("u", row, types, tx, 1, lsn));
    HandMadeEvents.sendEnd(world, tx, Map.of("shop.customers", 1));
  }

  private static long warehouseTotal(long id) throws Exception {
    try (Connection connection = DriverManager.getConnection(world.stack.jdbcUrl("warehouse"), "postgres", "");
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT total FROM dw.dim_customer WHERE customer_id = " + id)) {
      return rows.next() ? rows.getLong(1) : -1;
    } catch (java.sql.SQLException e) {
      return -1; // the table does not exist before the first load
    }
  }

  private static long documentTotal(long id) throws Exception {
    try (dev.lakesync.serving.sinks.LocalDocumentStore store = dev.lakesync.serving.sinks.LocalDocumentStore.open(
        world.config.serving().get().local().get(),
        List.of(new dev.lakesync.serving.sinks.DocumentType("customer", List.of(), "customerId", List.of())))) {
      return store.get("customer", String.valueOf(id), String.valueOf(id))
          .map(json -> {
            try {
              return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("total").asLong();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).orElse(-1L);
    }
  }
}
