package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source transaction over two tables whose changes arrive in two micro-batches: the consistent point the
 * processor records stays before it until both halves are applied, so a reader as of the point sees all of it or
 * none. Events and markers are hand-made in the shape cdc-connector publishes.
 */
class ConsistentPointsIT {
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - {name: app.a, key: [id]}",
      "  - {name: app.b, key: [id]}");

  @TempDir
  static Path dir;

  private static SparkStack world;
  private static SparkSession spark;
  private static PipelineConfig config;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, TABLES);
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
  void holdsThePointBeforeATransactionUntilBothItsTablesHaveIt() throws Exception {
    ConsistentPoints points = new ConsistentPoints(world.paths(), spark.sparkContext().hadoopConfiguration());
    send("a", 0, "t0", 1, 10);
    end("t0", Map.of("app.a", 1));
    assertThat(world.process()).contains("markers=1 open_transactions=0");
    ConsistentPoints.Point first = points.newest().orElseThrow();
    assertThat(first.version("app.b")).as("app.b does not exist yet").isEmpty();

    // Transaction t1 writes a row to each table; the batch holds app.a's change and the END marker only.
    send("a", 1, "t1", 1, 20);
    end("t1", Map.of("app.a", 1, "app.b", 1));
    assertThat(world.process()).contains("open_transactions=1");
    assertThat(points.newest().orElseThrow().sequence()).as("no point while t1 is half applied")
        .isEqualTo(first.sequence());
    assertThat(ids("a", first)).as("app.a as of the point: without t1's row").containsExactly(0L);
    assertThat(ids("a", null)).as("app.a now: with it").containsExactly(0L, 1L);

    send("b", 1, "t1", 1, 20);
    assertThat(world.process()).contains("open_transactions=0");
    ConsistentPoints.Point whole = points.newest().orElseThrow();
    assertThat(whole.sequence()).isGreaterThan(first.sequence());
    assertThat(ids("a", whole)).containsExactly(0L, 1L);
    assertThat(ids("b", whole)).containsExactly(1L);

    // Changes without transaction metadata (snapshot reads, sources without markers) never hold a point back.
    send("b", 2, null, 0, 30);
    assertThat(world.process()).contains("open_transactions=0");
    assertThat(ids("b", points.newest().orElseThrow())).containsExactly(1L, 2L);
  }

  private static List<Long> ids(String table, ConsistentPoints.Point point) {
    org.apache.spark.sql.DataFrameReader reader = spark.read().format("delta");
    if (point != null) {
      reader = reader.option("versionAsOf", point.version("app." + table).orElseThrow());
    }
    return reader.load(world.paths().validated("app", table)).selectExpr("id").collectAsList().stream()
        .map(row -> row.getLong(0)).sorted().collect(Collectors.toList());
  }

  private static final String ROW = "{\"type\":\"struct\",\"optional\":true,\"fields\":["
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},{\"type\":\"string\",\"optional\":true,\"field\":\"v\"}]}";
  private static final String SCHEMA = "{\"type\":\"struct\",\"fields\":["
      + ROW.replace("{\"type\":\"struct\",", "{\"type\":\"struct\",\"field\":\"before\",") + ","
      + ROW.replace("{\"type\":\"struct\",", "{\"type\":\"struct\",\"field\":\"after\",") + ","
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":[]}]}";

  /** A create of row {@code id} in {@code table}, as change {@code order} of transaction {@code tx} (none: null). */
  private static void send(String table, long id, String tx, long order, long lsn) throws Exception {
    String source = "{\"connector\":\"postgresql\",\"ts_ms\":1795544234036,\"lsn\":" + lsn + ",\"sequence\":\"[\\\""
        + lsn + "\\\",\\\"" + lsn + "\\\"]\"}";
    String transaction = tx == null ? "null"
        : "{\"id\":\"" + tx + "\",\"total_order\":" + order + ",\"data_collection_order\":" + order + "}";
    String value = "{\"schema\":" + SCHEMA + ",\"payload\":{\"before\":null,\"after\":{\"id\":" + id + ",\"v\":\"x\"},"
        + "\"op\":\"" + (tx == null ? "r" : "c") + "\",\"source\":" + source + ",\"transaction\":" + transaction + "}}";
    world.produce(config.broker().topicFor("app", table), "app." + table, "{\"id\":" + id + "}", value,
        Map.of("lakesync.op", tx == null ? "r" : "c"));
  }

  private static void end(String tx, Map<String, Integer> counts) throws Exception {
    String collections = counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(entry -> "{\"data_collection\":\"" + entry.getKey() + "\",\"event_count\":" + entry.getValue() + "}")
        .collect(Collectors.joining(","));
    String value = "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":{\"status\":\"END\",\"id\":\"" + tx
        + "\",\"event_count\":" + counts.values().stream().mapToInt(Integer::intValue).sum() + ",\"data_collections\":["
        + collections + "],\"ts_ms\":1795544234036}}";
    world.produce(config.broker().transactionTopic(), "_transaction", null, value, Map.of("lakesync.op", "END"));
  }
}
