package dev.lakesync.warehouse;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.common.SideBySide;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One load: for each validated table, the changes since the version the warehouse last loaded (its load-state table)
 * up to the newest, staged and applied to dimensions and facts in ONE warehouse transaction that also records the
 * versions loaded. A crash before the commit leaves the old versions, and the rerun stages the same range again;
 * a range loaded twice changes nothing (every upsert is guarded by the source position).
 */
public final class WarehouseLoader {
  /** Called after staging, before the commit: the tests' place to inject a crash. */
  interface BeforeCommit {
    void run() throws Exception;
  }

  private final WarehouseConfig warehouse;
  private final WarehouseDialect dialect;
  private final ChangeReader reader;
  private final PrintStream out;
  private BeforeCommit beforeCommit = () -> { };

  public WarehouseLoader(PipelineConfig config, SparkSession spark, PrintStream out) {
    this.warehouse = config.warehouse().orElseThrow(() -> new IllegalArgumentException(
        "warehouse: section is required to run the warehouse stage"));
    this.dialect = Dialects.of(warehouse);
    this.reader = new ChangeReader(spark, new LakePaths(config.lake().root()));
    this.out = out;
  }

  WarehouseLoader beforeCommit(BeforeCommit hook) {
    this.beforeCommit = hook;
    return this;
  }

  /** Runs one load; returns the number of staged changes (0 when nothing new). */
  public long loadOnce() throws Exception {
    long started = System.nanoTime();
    try (Connection connection = connect()) {
      String schema = warehouse.schema();
      try (Statement statement = connection.createStatement()) {
        for (String sql : dialect.createStatements(schema)) {
          statement.execute(sql);
        }
      }
      dialect.lock(connection);
      Map<String, Long> loaded = loadState(connection, schema);
      Map<StagedTable, long[]> ranges = new EnumMap<>(StagedTable.class);
      for (StagedTable table : StagedTable.values()) {
        long current = reader.currentVersion(table);
        long last = loaded.getOrDefault(table.source(), -1L);
        if (current > last) {
          ranges.put(table, new long[] {last, current});
        }
      }
      if (ranges.isEmpty()) {
        return 0;
      }
      dialect.prepareStaging(connection);
      connection.setAutoCommit(false);
      try {
        Map<StagedTable, Long> staged = new EnumMap<>(StagedTable.class);
        try (Statement statement = connection.createStatement()) {
          for (String sql : dialect.createStaging()) {
            statement.execute(sql);
          }
        }
        stageAll(connection, ranges, staged);
        long stageMs = (System.nanoTime() - started) / 1_000_000;
        long applyStarted = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
          for (String sql : dialect.applyStatements(schema, !factsPresent(statement, schema))) {
            statement.execute(sql);
          }
        }
        try (PreparedStatement state = connection.prepareStatement(dialect.upsertLoadState(schema))) {
          for (Map.Entry<StagedTable, long[]> range : ranges.entrySet()) {
            state.setString(1, range.getKey().source());
            state.setLong(2, range.getValue()[1]);
            state.addBatch();
          }
          state.executeBatch();
        }
        beforeCommit.run();
        connection.commit();
        long total = staged.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder line = new StringBuilder("warehouse: loaded");
        for (Map.Entry<StagedTable, long[]> range : ranges.entrySet()) {
          long from = range.getValue()[0];
          long to = range.getValue()[1];
          line.append(' ').append(range.getKey().source())
              .append(from < 0 ? " snapshot v" + to : " v" + (from + 1) + "..v" + to)
              .append(" (").append(staged.get(range.getKey())).append(from < 0 ? " rows)" : " changes)");
        }
        out.printf("%s in %d ms (read and stage %d ms, apply %d ms)%n", line, (System.nanoTime() - started) / 1_000_000,
            stageMs, (System.nanoTime() - applyStarted) / 1_000_000);
        out.flush();
        return total;
      } catch (Exception e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /**
   * Stages every table's range: side by side where the dialect allows it (a small table's fixed Spark costs then hide
   * behind the big one's work), else one after the other.
   */
  private void stageAll(Connection connection, Map<StagedTable, long[]> ranges, Map<StagedTable, Long> staged)
      throws Exception {
    List<StagedTable> tables = new ArrayList<>(ranges.keySet());
    if (!dialect.stagesConcurrently() || tables.size() == 1) {
      for (StagedTable table : tables) {
        staged.put(table, stageOne(connection, table, ranges.get(table)));
      }
      return;
    }
    List<Callable<Long>> tasks = new ArrayList<>();
    for (StagedTable table : tables) {
      tasks.add(() -> stageOne(connection, table, ranges.get(table)));
    }
    ExecutorService pool = SideBySide.pool("lakesync-stage", tables.size());
    try {
      List<Long> counts = SideBySide.runAll(pool, tasks);
      for (int i = 0; i < tables.size(); i++) {
        staged.put(tables.get(i), counts.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private long stageOne(Connection connection, StagedTable table, long[] range) throws SQLException {
    return dialect.stage(connection, table, reader.changes(table, range[0], range[1]));
  }

  private boolean factsPresent(Statement statement, String schema) throws SQLException {
    try (ResultSet row = statement.executeQuery(dialect.selectFactsPresent(schema))) {
      row.next();
      return row.getInt(1) == 1;
    }
  }

  private Map<String, Long> loadState(Connection connection, String schema) throws SQLException {
    Map<String, Long> loaded = new HashMap<>();
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(dialect.selectLoadState(schema))) {
      while (rows.next()) {
        loaded.put(rows.getString(1), rows.getLong(2));
      }
    }
    return loaded;
  }

  private Connection connect() throws SQLException {
    try {
      return DriverManager.getConnection(warehouse.jdbcUrl(), warehouse.jdbcProperties());
    } catch (SQLException e) {
      throw new SQLException("cannot connect to the warehouse at " + redact(warehouse.jdbcUrl()) + ": " + e.getMessage(), e);
    }
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=****");
  }
}
