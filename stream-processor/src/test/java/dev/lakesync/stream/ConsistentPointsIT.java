package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.lake.ConsistentPoints;
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
 * none. Events and markers are hand-made ({@link HandMadeEvents}).
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
    assertThat(whole.lastTransaction()).isEqualTo("t1");
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

  private static final Map<String, String> TYPES = new java.util.LinkedHashMap<>(Map.of("id", "int64"));

  static {
    TYPES.put("v", "string");
  }

  /** A create of row {@code id} in {@code table}, as change {@code order} of transaction {@code tx} (none: null). */
  private static void send(String table, long id, String tx, long order, long lsn) throws Exception {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("id", id);
    row.put("v", "x");
    String op = tx == null ? "r" : "c";
    HandMadeEvents.send(world, "app", table, id, op,
        HandMadeEvents.change(op, row, TYPES, tx, order, lsn));
  }

  private static void end(String tx, Map<String, Integer> counts) throws Exception {
    HandMadeEvents.sendEnd(world, tx, counts);
  }
}
