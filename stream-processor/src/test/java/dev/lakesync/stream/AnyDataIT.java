package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordinary shapes of a user's own PostgreSQL schema through real capture and processing, each compared with the
 * source value by value: column names no plain identifier allows (and names the processor uses itself), large values
 * PostgreSQL leaves out of an update (TOAST), one table name in two schemas, arrays, decimals wider than Spark's.
 */
class AnyDataIT {
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - {name: odd.orders, key: [id]}",
      "  - {name: odd.docs, key: [id]}",
      "  - {name: a.dup, key: [id]}",
      "  - {name: b.dup, key: [id]}",
      "  - {name: odd.arr, key: [id]}",
      "  - {name: odd.wide, key: [id]}",
      "  - {name: odd.cased, key: [id]}");

  /** Per table, the source's columns as text and the lake's (by lake name) as the same text. */
  private static final Map<String, String[]> COMPARED = Map.of(
      "odd.orders", new String[] {
          "id, \"Order Date\"::text, größe, \"price$\"::text, note, price_, \"offset\", _op",
          "id, cast(Order_Date AS string), grosse, cast(price__2 AS string), note, price_, `offset`, _op_2"},
      "odd.docs", new String[] {"id, md5(big), md5(blob), small", "id, md5(big), md5(blob), small"},
      "a.dup", new String[] {"id, v", "id, v"},
      "b.dup", new String[] {"id, v", "id, v"},
      "odd.arr", new String[] {"id, array_to_string(tags, '|'), array_to_string(nums, '|'), n",
          "id, array_join(tags, '|'), array_join(nums, '|'), n"},
      "odd.wide", new String[] {"id, tiny::text, huge::text, plain::text", "id, tiny, huge, plain"});

  @TempDir
  static Path dir;

  private static SparkStack world;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, TABLES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void everyColumnOfEveryShapeReachesTheLakeWithTheSourcesValues() throws Exception {
    world.sql("CREATE SCHEMA odd", "CREATE SCHEMA a", "CREATE SCHEMA b",
        "CREATE TABLE odd.orders (id int PRIMARY KEY, \"Order Date\" date, größe int, \"price$\" numeric(10,2), note text, "
            + "price_ text, \"offset\" int, _op text)",
        "CREATE TABLE odd.docs (id int PRIMARY KEY, big text, small int, blob bytea)",
        "CREATE TABLE a.dup (id int PRIMARY KEY, v text)", "CREATE TABLE b.dup (id int PRIMARY KEY, v text)",
        "CREATE TABLE odd.arr (id int PRIMARY KEY, tags text[], nums int[], n int)",
        "CREATE TABLE odd.wide (id int PRIMARY KEY, tiny numeric(40,39), huge numeric(50,2), plain numeric)",
        "CREATE TABLE odd.cased (id int PRIMARY KEY, \"Note\" text, note text)");
    // Debezium keeps columns by their lower-case names: capture refuses the table before it breaks on a change.
    assertThat(world.capture(dir, 1)).contains("odd.cased has columns whose names differ only in case (\"Note\", note)");
    world.sql("ALTER TABLE odd.cased RENAME COLUMN \"Note\" TO note_title");
    // Captured once while empty, so that everything below is streamed: inserts and updates in one batch.
    world.capture(dir, 0);
    world.sql("INSERT INTO odd.orders SELECT g, DATE '2026-01-01' + g, g * 2, g * 1.25, 'note ' || g, 'p' || g, g + 7, "
            + "'op' FROM generate_series(1, 100) g",
        "INSERT INTO odd.docs SELECT g, " + incompressible("g") + ", g, decode(" + incompressible("g + 1000") + ", 'escape') "
            + "FROM generate_series(1, 10) g",
        // In the same batch: an update leaving the large values out, and two where only the first changes one.
        "UPDATE odd.docs SET small = small + 100",
        "UPDATE odd.docs SET big = 'changed ' || id, small = small + 1 WHERE id <= 3",
        "UPDATE odd.docs SET small = small + 1 WHERE id <= 3",
        "INSERT INTO a.dup VALUES (1, 'a1'), (2, 'a2')", "INSERT INTO b.dup VALUES (2, 'b2'), (3, 'b3')",
        "INSERT INTO odd.arr VALUES (1, ARRAY['x', 'y z'], ARRAY[1, 2], 5), (2, NULL, ARRAY[]::int[], 6)",
        "INSERT INTO odd.wide VALUES (1, 1.234567890123456789012345678901234567891, 123456789012345678901234567890123456789012345678.91, "
            + "3.14159265358979323846264338327950288419716939937510)");
    world.capture(dir, 0);
    assertThat(world.process()).contains("quarantined=0");
    assertLakeEqualsSource();
    assertThat(sourceNames("odd", "orders")).containsEntry("Order_Date", "Order Date").containsEntry("grosse", "größe")
        .containsEntry("price__2", "price$").containsEntry("_op_2", "_op")
        .doesNotContainKey("id").doesNotContainKey("offset").doesNotContainKey("price_");

    // Later batches: an update leaving the large values out takes them from the lake.
    world.sql("UPDATE odd.docs SET small = -id WHERE id > 5", "UPDATE b.dup SET v = 'b2 again' WHERE id = 2");
    world.capture(dir, 0);
    assertThat(world.process()).contains("quarantined=0");
    assertLakeEqualsSource();

    // An update that leaves the large values out, of a row the lake never had: quarantined, not written with them.
    Row update = world.spark.read().format("delta").load(world.paths().landing("odd", "docs"))
        .where("cast(value AS string) LIKE '%\"after\":{\"id\":4,\"big\":\"__lakesync_unchanged_toast\"%'")
        .selectExpr("topic", "cast(value AS string)").first();
    world.produce(update.getString(0), "odd.docs", "{\"id\":999}", update.getString(1).replace("\"after\":{\"id\":4,", "\"after\":{\"id\":999,"));
    // A marker capture published in place of a change too large for the broker: quarantined with its reason, and
    // counted as its transaction's change, so that the transaction is whole once its END marker is read.
    world.produce(update.getString(0), "odd.docs", "{\"id\":5}", "{\"lakesync_oversized\":{\"bytes\":70000,\"limit\":20000},"
            + "\"transaction\":{\"id\":\"777:1\",\"total_order\":1,\"data_collection_order\":1}}",
        Map.of("lakesync.oversized", "70000 bytes, above the broker's limit of 20000; the change is kept in /work/x.json"));
    HandMadeEvents.sendEnd(world, "777", Map.of("odd.docs", 1));
    // The re-published update belongs to a transaction already whole: it does not open it again.
    assertThat(world.process()).contains("applied=0").contains("quarantined=2").contains("open_transactions=0");
    assertThat(world.spark.read().format("delta").load(world.paths().quarantine("odd", "docs")).selectExpr("error")
        .collectAsList()).extracting(row -> row.getString(0)).containsExactlyInAnyOrder(
            "unchanged TOAST value of big, blob with no earlier value in the batch or the lake (the row was never "
                + "inserted into the lake, or its key changed in a table without REPLICA IDENTITY FULL: snapshot the "
                + "table again)",
            "oversized: 70000 bytes, above the broker's limit of 20000; the change is kept in /work/x.json");
    assertLakeEqualsSource();

    // An ad-hoc re-snapshot (Debezium's incremental snapshot, asked for through the signal table) repairs the lake:
    // a row lost from it and a value changed behind the pipeline's back come back as the source holds them.
    String orders = world.paths().validated("odd", "orders");
    world.spark.sql("DELETE FROM delta.`" + orders + "` WHERE id = 1");
    world.spark.sql("UPDATE delta.`" + orders + "` SET note = 'wrong' WHERE id = 2");
    world.sql("UPDATE odd.orders SET note = 'streamed' WHERE id = 3",
        "INSERT INTO lakesync.signal (id, type, data) VALUES ('resnap-1', 'execute-snapshot', "
            + "'{\"data-collections\": [\"odd.orders\"], \"type\": \"incremental\"}')");
    world.capture(dir, 0);
    assertThat(world.process()).contains("quarantined=0");
    assertLakeEqualsSource();
  }

  /** About 8 KB that PostgreSQL cannot compress, so it is stored out of line (TOAST). */
  private static String incompressible(String seed) {
    return "(SELECT string_agg(md5((" + seed + ") * 1000 + i || 'x'), '') FROM generate_series(1, 256) i)";
  }

  private static void assertLakeEqualsSource() throws Exception {
    for (Map.Entry<String, String[]> table : COMPARED.entrySet()) {
      assertThat(lakeRows(table.getKey(), table.getValue()[1])).as(table.getKey())
          .isEqualTo(sourceRows(table.getKey(), table.getValue()[0]));
    }
  }

  private static Map<Integer, String> sourceRows(String table, String columns) throws Exception {
    Map<Integer, String> rows = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection(world.stack.jdbcUrl("bank"), "postgres", "");
         Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT " + columns + " FROM " + table)) {
      int count = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder text = new StringBuilder();
        for (int i = 2; i <= count; i++) {
          text.append(result.getString(i)).append('|');
        }
        rows.put(result.getInt(1), text.toString());
      }
    }
    return rows;
  }

  private static Map<Integer, String> lakeRows(String table, String columns) {
    String[] parts = table.split("\\.");
    Map<Integer, String> rows = new TreeMap<>();
    Dataset<Row> lake = world.spark.read().format("delta").load(world.paths().validated(parts[0], parts[1]));
    for (Row row : lake.where("_op <> 'd'").selectExpr(columns.split(", (?![^(]*\\))")).collectAsList()) {
      StringBuilder text = new StringBuilder();
      for (int i = 1; i < row.length(); i++) {
        text.append(row.isNullAt(i) ? "null" : row.get(i).toString()).append('|');
      }
      rows.put(row.getInt(0), text.toString());
    }
    return rows;
  }

  /** Lake column name to the source name its metadata records, for the renamed columns. */
  private static Map<String, String> sourceNames(String schema, String table) {
    Map<String, String> names = new TreeMap<>();
    for (StructField field : world.spark.read().format("delta").load(world.paths().validated(schema, table)).schema().fields()) {
      if (field.metadata().contains(dev.lakesync.common.LakeColumnNames.SOURCE_NAME)) {
        names.put(field.name(), field.metadata().getString(dev.lakesync.common.LakeColumnNames.SOURCE_NAME));
      }
    }
    return names;
  }
}
