package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakesync.common.config.TableConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps tables right over time, with hand-made events in cdc-connector's shape: a truncate empties a table and
 * no late event from before it brings a row back; OPTIMIZE running while the stream MERGEs loses nothing; every
 * batch's metrics account for every record; a {@code fail} rule stops the job before its MERGE. Expected tables are
 * written out here, not computed by the job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TableCareIT {
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - {name: app.items, key: [id]}",
      "  - {name: app.stock, key: [id]}",
      "  - {name: app.marks, key: [id]}",
      "  - name: app.orders",
      "    key: [id]",
      "    rules:",
      "      - {name: qty_limit, expr: 'qty < 1000', action: fail}");

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
  @Order(1)
  void truncateEmptiesTheTableAndOlderEventsStayTruncated() throws Exception {
    send("items", 1, Events.row("c", 1, "apple", 3, 10));
    send("items", 2, Events.row("c", 2, "pear", 5, 20));
    send("items", 3, Events.row("c", 3, "plum", 7, 30));
    world.process();
    assertThat(table("items")).isEqualTo(Map.of(1L, "apple|3|c", 2L, "pear|5|c", 3L, "plum|7|c"));

    // TRUNCATE at position 50, then a new row; in the same batch an update from before the truncate.
    send("items", 2, Events.row("u", 2, "pear", 6, 40));
    world.produce(Events.TOPIC_PREFIX + "items", "app.items", null, Events.truncate(50));
    send("items", 4, Events.row("c", 4, "kiwi", 1, 60));
    String output = world.process();
    assertThat(output).contains("landed=3 applied=2 superseded=1 quarantined=0");
    assertThat(table("items")).isEqualTo(Map.of(1L, "d", 2L, "d", 3L, "d", 4L, "kiwi|1|c"));

    // A late update from before the truncate arrives in a later batch: the row stays deleted.
    send("items", 3, Events.row("u", 3, "plum", 8, 45));
    world.process();
    assertThat(table("items")).isEqualTo(Map.of(1L, "d", 2L, "d", 3L, "d", 4L, "kiwi|1|c"));
  }

  @Test
  @Order(2)
  void aColumnWhoseSourceTypeChangedKeepsTheTablesTypeAndQuarantinesWhatDoesNotFit() throws Exception {
    // qty is INT in the table; the source column became bigint.
    send("items", 5, Events.rowWithBigintQty(5, "fig", 12, 70));
    send("items", 6, Events.rowWithBigintQty(6, "date", 5_000_000_000L, 80));
    assertThat(world.process()).contains("landed=2 applied=1 superseded=0 quarantined=1");
    assertThat(table("items")).containsEntry(5L, "fig|12|c").doesNotContainKey(6L);
    assertThat(world.spark.read().format("delta").load(world.paths().validated("app", "items")).schema()
        .apply("qty").dataType().sql()).isEqualTo("INT");
    assertThat(world.spark.read().format("delta").load(world.paths().quarantine("app", "items"))
        .selectExpr("error").collectAsList()).extracting(row -> row.getString(0))
        .containsExactly("wrong type for qty (event type BIGINT, table type INT)");
  }

  @Test
  @Order(3)
  void optimizeWhileMergingLosesNothing() throws Exception {
    TableConfig stock = world.config.tables().stream().filter(t -> t.table().equals("stock")).findFirst().orElseThrow();
    TableMaintenance maintenance = new TableMaintenance(world.config, world.spark, System.out);
    Map<Long, String> expected = new TreeMap<>();
    long position = 100;
    // Four batches: three that insert new rows (each appended, as no row can match them: a file each, so OPTIMIZE
    // has files to compact), then updates and deletes across all of them (a MERGE), while OPTIMIZE runs in a loop
    // beside them.
    for (int round = 0; round < 3; round++) {
      for (long id = 30L * round + 1; id <= 30L * round + 30; id++) {
        send("stock", id, Events.row("c", id, "s" + id, round, position));
        expected.put(id, "s" + id + "|" + round + "|c");
        position += 10;
      }
    }
    for (long id = 3; id <= 90; id += 3) {
      boolean delete = id % 7 == 0;
      send("stock", id, delete ? Events.delete(id, position) : Events.row("u", id, "s" + id, 3, position));
      expected.put(id, delete ? "d" : "s" + id + "|3|u");
      position += 10;
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger optimized = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread optimizer = new Thread(() -> {
      while (!done.get()) {
        try {
          maintenance.optimize(stock);
          optimized.incrementAndGet();
        } catch (Throwable e) {
          failure.set(e);
          return;
        }
      }
    }, "test-optimize-loop");
    optimizer.start();
    try {
      world.process(30); // 30 records per micro-batch: three appends and a MERGE while OPTIMIZE runs
    } finally {
      done.set(true);
      optimizer.join(120_000);
    }
    assertThat(failure.get()).as("OPTIMIZE beside the stream").isNull();
    assertThat(optimized.get()).isGreaterThan(0);
    assertThat(table("stock")).isEqualTo(expected);
    List<String> operations = world.spark.sql("DESCRIBE HISTORY delta.`" + world.paths().validated("app", "stock") + "`")
        .select("operation").collectAsList().stream().map(row -> row.getString(0)).collect(Collectors.toList());
    assertThat(operations).contains("OPTIMIZE", "MERGE");
    assertThat(operations.stream().filter("WRITE"::equals).count())
        .as("new rows appended beside OPTIMIZE (one WRITE is the table's creation)").isGreaterThan(1);
  }

  @Test
  @Order(5)
  void everyBatchAccountsForEveryRecord() throws Exception {
    world.produce(Events.TOPIC_PREFIX + "items", "other.table", "{\"id\":9}", Events.row("c", 9, "x", 1, 900));
    world.process();
    List<Row> batches = world.spark.read().json(world.paths().state(StreamProcessor.STAGE) + "/batches")
        .orderBy("batch_id").collectAsList();
    assertThat(batches).hasSizeGreaterThan(4);
    long landed = 0;
    for (Row batch : batches) {
      long in = batch.getLong(batch.fieldIndex("landed"));
      long out = batch.getLong(batch.fieldIndex("applied")) + batch.getLong(batch.fieldIndex("superseded"))
          + batch.getLong(batch.fieldIndex("quarantined")) + batch.getLong(batch.fieldIndex("dropped"))
          + batch.getLong(batch.fieldIndex("unknown_table"));
      assertThat(out).as("batch %s", batch.getLong(batch.fieldIndex("batch_id"))).isEqualTo(in);
      assertThat(batch.getLong(batch.fieldIndex("superseded"))).isNotNegative();
      landed += in;
    }
    // truncate test: 3 + 3 + 1; type change: 2; optimize test: 4 rounds of 30; compaction test: 2; this test: 1 record
    // of an unknown table
    assertThat(landed).isEqualTo(3 + 3 + 1 + 2 + 120 + 2 + 1);
    Row last = batches.get(batches.size() - 1);
    assertThat(last.getLong(last.fieldIndex("unknown_table"))).isEqualTo(1);
    assertThat(world.spark.read().format("delta").load(world.paths().landingOfUnknownTables()).count())
        .isEqualTo(1);
  }

  @Test
  @Order(7)
  void aFailRuleStopsTheJobBeforeItsMerge() throws Exception {
    send("orders", 1, Events.row("c", 1, "fine", 10, 1000));
    send("orders", 2, Events.row("c", 2, "too many", 5000, 1010));
    assertThatThrownBy(world::process).hasStackTraceContaining(
        "app.orders: rule qty_limit (action fail) is broken by the record at topic lakesync.app.orders, partition 0, offset 1");
    assertThat(io.delta.tables.DeltaTable.isDeltaTable(world.spark, world.paths().validated("app", "orders")))
        .as("nothing of the failed batch was merged").isFalse();
    // The records were landed (idempotently): the batch replays on restart, and fails again until fixed.
    assertThat(world.spark.read().format("delta").load(world.paths().landing("app", "orders")).count()).isEqualTo(2);
    assertThatThrownBy(world::process).hasStackTraceContaining("rule qty_limit (action fail)");
    assertThat(world.spark.read().format("delta").load(world.paths().landing("app", "orders")).count()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void scheduledCompactionLeavesATableWithFewFilesAlone() throws Exception {
    TableConfig stock = world.config.tables().stream().filter(t -> t.table().equals("stock")).findFirst().orElseThrow();
    String path = world.paths().validated("app", "stock");
    for (long id = 2001; id <= 2002; id++) { // two MERGEs of new rows: at least two files
      send("stock", id, Events.row("c", id, "late" + id, 1, 100_000 + id));
      world.process();
    }
    Map<Long, String> rows = table("stock");
    long files = numFiles(path);
    long version = io.delta.tables.DeltaTable.forPath(world.spark, path).history(1).first().getLong(0);
    assertThat(files).isBetween(2L, 9L);

    TableMaintenance byDefault = new TableMaintenance(world.config, world.spark, System.out); // optimizeMinFiles 10
    assertThat(byDefault.optimizeIfWorthIt(stock)).isFalse();
    assertThat(io.delta.tables.DeltaTable.forPath(world.spark, path).history(1).first().getLong(0)).isEqualTo(version);
    assertThat(numFiles(path)).isEqualTo(files);

    java.nio.file.Path eagerFile = dir.resolve("eager-pipeline.yaml");
    java.nio.file.Files.writeString(eagerFile, java.nio.file.Files.readString(world.stack.config())
        .replaceFirst("lake: \\{root: ([^}]*)}", "lake: {root: $1, optimizeMinFiles: " + files + "}"));
    dev.lakesync.common.config.PipelineConfig eager =
        new dev.lakesync.common.config.PipelineConfigLoader(name -> null).load(eagerFile);
    assertThat(eager.lake().optimizeMinFiles()).isEqualTo((int) files);
    assertThat(new TableMaintenance(eager, world.spark, System.out).optimizeIfWorthIt(stock)).isTrue();
    assertThat(numFiles(path)).isEqualTo(1);
    assertThat(table("stock")).isEqualTo(rows);
  }

  @Test
  @Order(6)
  void withDeletionVectorsAnUpdateMarksItsRowsInsteadOfRewritingTheirFile() throws Exception {
    assertThat(property(world.paths().validated("app", "stock"), "delta.enableDeletionVectors"))
        .as("off by default").isEqualTo("absent");
    java.nio.file.Path file = dir.resolve("marking-pipeline.yaml");
    java.nio.file.Files.writeString(file, java.nio.file.Files.readString(world.stack.config())
        .replaceFirst("lake: \\{root: ([^}]*)}", "lake: {root: $1, deletionVectors: true}"));
    dev.lakesync.common.config.PipelineConfig marking =
        new dev.lakesync.common.config.PipelineConfigLoader(name -> null).load(file);
    for (long id = 1; id <= 3; id++) {
      send("marks", id, Events.row("c", id, "m" + id, 1, 300_000 + id));
    }
    process(marking);
    String path = world.paths().validated("app", "marks");
    assertThat(property(path, "delta.enableDeletionVectors")).isEqualTo("true");
    // One file holding the three rows: an update of two of them leaves the third, so the file stays (a file whose
    // every row changes is removed, with or without deletion vectors).
    TableConfig marks = marking.tables().stream().filter(t -> t.table().equals("marks")).findFirst().orElseThrow();
    new TableMaintenance(marking, world.spark, System.out).optimize(marks);
    long filesBefore = numFiles(path);
    assertThat(filesBefore).isEqualTo(1);

    send("marks", 1, Events.row("u", 1, "marked", 4, 300_100));
    send("marks", 2, Events.row("u", 2, "marked", 4, 300_110));
    process(marking);
    com.fasterxml.jackson.databind.JsonNode metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        io.delta.tables.DeltaTable.forPath(world.spark, path).history(1).selectExpr("to_json(operationMetrics)")
            .first().getString(0));
    assertThat(metrics.path("numTargetRowsUpdated").asLong()).isEqualTo(2);
    assertThat(metrics.path("numTargetDeletionVectorsAdded").asLong()).isEqualTo(1);
    assertThat(metrics.path("numTargetFilesRemoved").asLong()).isZero();
    assertThat(numFiles(path)).isEqualTo(filesBefore + 1); // the old file stays, its two rows marked; one new file
    assertThat(table("marks")).isEqualTo(Map.of(1L, "marked|4|u", 2L, "marked|4|u", 3L, "m3|1|c"));
  }

  private static void process(dev.lakesync.common.config.PipelineConfig config) throws Exception {
    new StreamProcessor(config, world.spark, new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true,
        java.nio.charset.StandardCharsets.UTF_8)).run(true, java.time.Duration.ofSeconds(1), 0);
  }

  private static String property(String path, String name) {
    Row detail = world.spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
    scala.Option<String> value = detail.<scala.collection.Map<String, String>>getAs("properties").get(name);
    return value.isDefined() ? value.get() : "absent";
  }

  private static long numFiles(String path) {
    return world.spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first().getAs("numFiles");
  }

  private static void send(String table, long id, String value) throws Exception {
    world.produce(Events.TOPIC_PREFIX + table, "app." + table, "{\"id\":" + id + "}", value);
  }

  /** Row id to name|qty|op, or just the op for a tombstone. */
  private static Map<Long, String> table(String name) {
    return new TreeMap<>(world.spark.read().format("delta").load(world.paths().validated("app", name))
        .selectExpr("id", "CASE WHEN _op = 'd' THEN _op ELSE concat_ws('|', name, cast(qty AS string), _op) END")
        .collectAsList().stream().collect(Collectors.toMap(row -> row.getLong(0), row -> row.getString(1))));
  }

  /** Events of tables (id bigint, name text, qty int) from PostgreSQL as cdc-connector publishes them. */
  static final class Events {
    static final String TOPIC_PREFIX = "lakesync.app.";
    private static final String ROW = "{\"type\":\"struct\",\"optional\":true,\"field\":\"%s\",\"fields\":["
        + "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
        + "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"},"
        + "{\"type\":\"int32\",\"optional\":true,\"field\":\"qty\"}]}";
    private static final String SCHEMA = schema(ROW);
    private static final String BIGINT_QTY_SCHEMA = schema(ROW.replace("\"int32\",\"optional\":true,\"field\":\"qty\"",
        "\"int64\",\"optional\":true,\"field\":\"qty\""));

    private static String schema(String row) {
      return "{\"type\":\"struct\",\"name\":\"Envelope\",\"fields\":["
          + String.format(row, "before") + "," + String.format(row, "after") + ","
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
          + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":[]}]}";
    }

    private Events() {
    }

    static String row(String op, long id, String name, int qty, long lsn) {
      return envelope("null", "{\"id\":" + id + ",\"name\":\"" + name + "\",\"qty\":" + qty + "}", op, lsn);
    }

    static String rowWithBigintQty(long id, String name, long qty, long lsn) {
      return envelope(BIGINT_QTY_SCHEMA, "null", "{\"id\":" + id + ",\"name\":\"" + name + "\",\"qty\":" + qty + "}", "c", lsn);
    }

    static String delete(long id, long lsn) {
      return envelope("{\"id\":" + id + "}", "null", "d", lsn);
    }

    static String truncate(long lsn) {
      return envelope("null", "null", "t", lsn);
    }

    private static String envelope(String before, String after, String op, long lsn) {
      return envelope(SCHEMA, before, after, op, lsn);
    }

    private static String envelope(String schema, String before, String after, String op, long lsn) {
      return "{\"schema\":" + schema + ",\"payload\":{\"before\":" + before + ",\"after\":" + after + ",\"op\":\"" + op
          + "\",\"source\":{\"connector\":\"postgresql\",\"ts_ms\":1795544234036,\"lsn\":" + lsn
          + ",\"sequence\":\"[\\\"" + lsn + "\\\",\\\"" + lsn + "\\\"]\"},\"ts_ms\":1795544234040}}";
    }
  }
}
