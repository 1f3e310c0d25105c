package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made Debezium events in the exact shape cdc-connector publishes, for what a live database rarely produces on
 * cue: duplicates, late older events after a delete, poison (not JSON, no after, wrong types), rule violations with
 * both actions, and a column added mid-stream. The expected table is written out here, not computed by the job.
 */
class OrderingAndPoisonIT {
  private static final String TOPIC = "lakesync.app.items";
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - name: app.items",
      "    key: [id]",
      "    rules:",
      "      - {name: qty_nonnegative, expr: 'qty >= 0'}",
      "      - {name: no_test_rows, expr: \"name <> 'test'\", action: drop}");

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
  void appliesOnlyNewerChangesQuarantinesPoisonAndAddsNewColumns() throws Exception {
    send(1, event("c", 1, "apple", "3", null, 10, 10));
    send(1, event("u", 1, "apple", "4", null, 20, 20));
    send(1, event("u", 1, "apple", "4", null, 20, 20)); // duplicate delivery
    send(2, event("c", 2, "pear", "7", null, 30, 30));
    send(2, event("d", 2, null, null, null, 40, 40));
    send(3, "{\"schema\":" + SCHEMA + ",\"payload\":{\"before\":null,\"after\":null,\"op\":\"c\",\"source\":" + source(45, 45) + "}}");
    send(4, event("c", 4, "plum", "\"many\"", null, 46, 46));
    send(5, "this is not json");
    send(6, event("c", 6, "fig", "-1", null, 47, 47));
    send(7, event("c", 7, "test", "1", null, 48, 48));
    send(9, event("x", 9, "date", "1", null, 49, 49));
    // No record key: the row's key comes from the event's own image.
    world.produce(TOPIC, "app.items", null, event("c", 10, "lime", "1", null, 49, 49));

    String first = world.process();
    assertThat(first).contains("landed=12 applied=3 superseded=3 quarantined=5 dropped=1 unknown_table=0");
    // Row 2 was created and deleted in the same batch: only its newest change applies, a key-only tombstone.
    assertThat(table()).isEqualTo(Map.of(1L, "apple|4|u", 2L, "d", 10L, "lime|1|c"));
    assertThat(quarantine()).containsExactlyInAnyOrder(
        "{\"id\":9} unknown op: x",
        "{\"id\":3} missing after",
        "{\"id\":4} wrong type for qty",
        "5 unparseable: not a Debezium JSON event",
        "{\"id\":6} rule qty_nonnegative");

    // Late, older events: an update of the deleted row and an old version of row 1. Then a new column appears.
    send(2, event("u", 2, "pear", "9", null, 35, 35));
    send(1, event("u", 1, "apple", "1", null, 15, 15));
    send(8, event("c", 8, "kiwi", "2", "green", 50, 50));
    send(1, event("u", 1, "apple", "5", "red", 60, 60));

    String second = world.process();
    assertThat(second).contains("landed=4 applied=2 superseded=2 quarantined=0 dropped=0");
    Map<Long, String> expected = new TreeMap<>(Map.of(1L, "apple|5|u|red", 2L, "d|null", 8L, "kiwi|2|c|green",
        10L, "lime|1|c|null"));
    assertThat(tableWithColor()).isEqualTo(expected);
  }

  private static final String ROW = "{\"type\":\"struct\",\"optional\":true,\"fields\":["
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
      + "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"},"
      + "{\"type\":\"int32\",\"optional\":true,\"field\":\"qty\"}%s]}";
  private static final String COLOR = ",{\"type\":\"string\",\"optional\":true,\"field\":\"color\"}";
  private static final String SCHEMA = schema("");

  private static String schema(String extra) {
    String row = String.format(ROW, extra);
    return "{\"type\":\"struct\",\"name\":\"lakesync.app.items.Envelope\",\"fields\":["
        + row.replace("{\"type\":\"struct\",", "{\"type\":\"struct\",\"field\":\"before\",") + ","
        + row.replace("{\"type\":\"struct\",", "{\"type\":\"struct\",\"field\":\"after\",") + ","
        + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
        + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":[]}]}";
  }

  private static String source(long commitLsn, long lsn) {
    return "{\"connector\":\"postgresql\",\"ts_ms\":1795544234036,\"lsn\":" + lsn + ",\"sequence\":\"[\\\"" + commitLsn
        + "\\\",\\\"" + lsn + "\\\"]\"}";
  }

  /** An event as cdc-connector publishes it; {@code qty} is raw JSON, {@code color} null leaves the column out. */
  private static String event(String op, long id, String name, String qty, String color, long commitLsn, long lsn) {
    String row = "{\"id\":" + id + (name == null ? "" : ",\"name\":\"" + name + "\",\"qty\":" + qty)
        + (color == null ? "" : ",\"color\":\"" + color + "\"") + "}";
    String before = op.equals("d") ? "{\"id\":" + id + "}" : "null";
    String after = op.equals("d") ? "null" : row;
    return "{\"schema\":" + schema(color == null ? "" : COLOR) + ",\"payload\":{\"before\":" + before + ",\"after\":" + after
        + ",\"op\":\"" + op + "\",\"source\":" + source(commitLsn, lsn) + ",\"ts_ms\":1795544234040}}";
  }

  private static void send(long id, String value) throws Exception {
    world.produce(TOPIC, "app.items", id == 5 ? "5" : "{\"id\":" + id + "}", value);
  }

  private static Map<Long, String> table() {
    return spark.read().format("delta").load(new LakePaths(config.lake().root()).validated("app", "items"))
        .selectExpr("id", "concat_ws('|', name, cast(qty AS string), _op)").collectAsList().stream()
        .collect(Collectors.toMap(row -> row.getLong(0), row -> row.getString(1)));
  }

  private static Map<Long, String> tableWithColor() {
    return new TreeMap<>(spark.read().format("delta").load(new LakePaths(config.lake().root()).validated("app", "items"))
        .selectExpr("id", "concat_ws('|', name, cast(qty AS string), _op, coalesce(color, 'null'))").collectAsList().stream()
        .collect(Collectors.toMap(row -> row.getLong(0), row -> row.getString(1))));
  }

  private static List<String> quarantine() {
    return spark.read().format("delta").load(new LakePaths(config.lake().root()).quarantine("app", "items"))
        .selectExpr("cast(key AS string)", "error").collectAsList().stream()
        .map((Row row) -> row.getString(0) + " " + row.getString(1)).collect(Collectors.toList());
  }
}
