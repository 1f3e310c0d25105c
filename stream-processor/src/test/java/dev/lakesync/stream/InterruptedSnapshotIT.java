package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture killed during its initial snapshot starts the snapshot again from scratch; a row the first, cut-short
 * snapshot published and the source deleted before the second one never gets a delete event. When the second
 * snapshot of the table ends, the processor makes such rows tombstones (the chaos soak found them left in the lake).
 * Events are hand-made ({@link HandMadeEvents}), as Debezium's PostgreSQL connector writes snapshot reads.
 */
class InterruptedSnapshotIT {
  private static final Map<String, String> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("id", "int64");
    TYPES.put("name", "string");
  }

  @TempDir
  static Path dir;

  private static SparkStack world;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, "tables:\n  - {name: app.s, key: [id]}\n  - {name: app.t, key: [id]}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void rowsOfACutShortSnapshotThatTheNextSnapshotDoesNotReadBecomeTombstonesWhenItEnds() throws Exception {
    // The first snapshot, at LSN 100, publishes three rows and no last read: capture was killed.
    read("s", 1, "ann", 100, "first");
    read("s", 2, "bob", 100, "true");
    read("s", 3, "cy", 100, "true");
    world.process();
    assertThat(live("s")).containsOnlyKeys(1L, 2L, 3L);

    // Rows 2 and 4 are read by a second snapshot (LSN 150), cut short too, then deleted in the source; the third
    // snapshot (LSN 200) reads rows 1 and 3, over two batches.
    read("s", 2, "bob", 150, "first");
    read("s", 4, "dee", 150, "true");
    read("s", 1, "ann-2", 200, "first");
    world.process();
    assertThat(live("s")).as("the snapshot has not ended: nothing is removed yet").containsOnlyKeys(1L, 2L, 3L, 4L);
    read("s", 3, "cy", 200, "last");
    world.process();

    assertThat(live("s")).containsExactly(Map.entry(1L, "ann-2"), Map.entry(3L, "cy"));
    Row tombstone = world.spark.read().format("delta").load(world.paths().validated("app", "s")).where("id = 2")
        .selectExpr("_op", "name").first();
    assertThat(tombstone.getString(0)).isEqualTo("d");
    assertThat(tombstone.getString(1)).as("a tombstone keeps the row's last values").isEqualTo("bob");

    // A change streamed after the snapshot applies as usual.
    HandMadeEvents.send(world, "app", "s", 4, "c", HandMadeEvents.change("c", row(4, "eve"), TYPES, null, 0, 300));
    world.process();
    assertThat(live("s")).containsOnlyKeys(1L, 3L, 4L);
  }

  @Test
  void aKeyOnlyACutShortSnapshotReadInTheBatchWhereTheNextSnapshotEndsIsNotLive() throws Exception {
    read("t", 1, "ann", 100, "first");
    read("t", 2, "bob", 100, "true");
    world.process();

    read("t", 2, "bob", 150, "first"); // cut short; row 2 deleted in the source before the next snapshot
    read("t", 5, "fay", 150, "true"); // a row the first snapshot did not have, deleted as well
    read("t", 1, "ann", 200, "last");
    world.process();

    assertThat(live("t")).containsOnlyKeys(1L);
  }

  private static Map<Long, String> live(String table) {
    Map<Long, String> rows = new TreeMap<>();
    List<Row> all = world.spark.read().format("delta").load(world.paths().validated("app", table))
        .where("_op <> 'd'").selectExpr("id", "name").collectAsList();
    all.forEach(row -> rows.put(row.getLong(0), row.getString(1)));
    return rows;
  }

  private static void read(String table, long id, String name, long lsn, String snapshot) throws Exception {
    HandMadeEvents.send(world, "app", table, id, "r", HandMadeEvents.snapshotRead(row(id, name), TYPES, lsn, snapshot));
  }

  private static Map<String, Object> row(long id, String name) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", name);
    return row;
  }
}
