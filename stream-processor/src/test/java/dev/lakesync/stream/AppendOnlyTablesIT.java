package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source table without a primary key, declared append-only, through real capture and processing: capture refuses
 * it until PostgreSQL can still update it once captured, then every insert is one lake row (equal rows included), an
 * update is quarantined with its reason, and a replayed batch appends nothing.
 */
class AppendOnlyTablesIT {
  private static final String TABLES = String.join("\n",
      "tables:",
      "  - {name: bank.audit_log, appendOnly: true}");

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
  void aKeylessTableIsAppendedRowByRowAndItsUpdatesQuarantined() throws Exception {
    sql("CREATE TABLE bank.audit_log (at bigint NOT NULL, actor text, action text, amount numeric(10,2))");
    String refused = capture(1);
    assertThat(refused).contains("bank.audit_log has no primary key and no replica identity")
        .contains("ALTER TABLE \"bank\".\"audit_log\" REPLICA IDENTITY FULL;");

    sql("ALTER TABLE bank.audit_log REPLICA IDENTITY FULL",
        "INSERT INTO bank.audit_log VALUES (1, 'ada', 'login', NULL), (2, 'bob', 'pay', 12.50), (2, 'bob', 'pay', 12.50)");
    capture(0);
    assertThat(world.process()).contains("quarantined=0");
    assertThat(lakeRows()).isEqualTo(sourceRows()).hasSize(3);

    sql("INSERT INTO bank.audit_log VALUES (3, 'ada', 'logout', NULL)",
        "UPDATE bank.audit_log SET actor = 'eve' WHERE at = 1");
    capture(0);
    assertThat(world.process()).contains("quarantined=1");
    List<Row> quarantined = world.spark.read().format("delta").load(world.paths().quarantine("bank", "audit_log"))
        .selectExpr("error").collectAsList();
    assertThat(quarantined).extracting(row -> row.getString(0))
        .containsExactly("not an insert: an update of a table declared appendOnly");
    List<String> lake = lakeRows();
    assertThat(lake).hasSize(4).contains("1|ada|login|null", "3|ada|logout|null");

    // A crash between the Delta commit and Spark's checkpoint: the replayed batch appends nothing.
    world.forgetLastCommittedBatch();
    world.process();
    assertThat(lakeRows()).isEqualTo(lake);
  }

  /** The source's rows as text, sorted (equal rows appear as often as they are there). */
  private static List<String> sourceRows() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(world.stack.jdbcUrl("bank"), "postgres", "");
         Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT at, actor, action, amount::text FROM bank.audit_log")) {
      while (result.next()) {
        rows.add(result.getLong(1) + "|" + result.getString(2) + "|" + result.getString(3) + "|" + result.getString(4));
      }
    }
    rows.sort(null);
    return rows;
  }

  private static List<String> lakeRows() {
    List<String> rows = new ArrayList<>();
    for (Row row : world.spark.read().format("delta").load(world.paths().validated("bank", "audit_log"))
        .selectExpr("at", "actor", "action", "CAST(amount AS STRING)").collectAsList()) {
      rows.add(row.getLong(0) + "|" + row.getString(1) + "|" + row.getString(2) + "|" + row.getString(3));
    }
    rows.sort(null);
    return rows;
  }

  private static void sql(String... statements) throws Exception {
    world.sql(statements);
  }

  private static String capture(int expectedExit) throws Exception {
    return world.capture(dir, expectedExit);
  }
}
