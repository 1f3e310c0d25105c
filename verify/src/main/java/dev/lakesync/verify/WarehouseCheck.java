package dev.lakesync.verify;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.WarehouseConfig;
import dev.lakesync.common.config.WarehouseModel;
import dev.lakesync.warehouse.ExpectedAggregates;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Each declared dimension and fact in the warehouse against the same model computed from the lake (its expressions
 * evaluated by Spark over the validated table's live rows), key by key: a type 2 dimension's current versions on
 * its tracked columns, the other models on every column they declare. An aggregate is compared, group by group, with
 * the same aggregate recomputed in the warehouse from its fact and dimensions (which are compared with the lake).
 */
final class WarehouseCheck implements AutoCloseable {
  private final WarehouseConfig config;
  private final PipelineConfig pipeline;
  private final SparkSession spark;
  private final LakePaths paths;
  private final Connection connection;
  /** Each validated table's version to compare with (the one the warehouse loads up to). */
  private final java.util.function.ToLongFunction<String> readable;

  WarehouseCheck(PipelineConfig pipeline, SparkSession spark, LakePaths paths,
      java.util.function.ToLongFunction<String> readable) throws SQLException {
    this.pipeline = pipeline;
    this.readable = readable;
    this.config = pipeline.warehouse().orElseThrow();
    this.spark = spark;
    this.paths = paths;
    this.connection = DriverManager.getConnection(config.jdbcUrl(), config.jdbcProperties());
  }

  /** Compares every model, prints a line for each, adds the differing keys; returns the warehouse rows compared. */
  long run(Map<String, List<String>> mismatches, PrintStream out) throws SQLException {
    if (config.models().isEmpty()) {
      out.println("verify: warehouse not compared (no warehouse.models declared)");
      return 0;
    }
    long rows = 0;
    ExpectedAggregates aggregates = null;
    for (WarehouseModel model : config.models()) {
      if (model.kind() == WarehouseModel.Kind.AGGREGATE) {
        aggregates = aggregates == null ? new ExpectedAggregates(pipeline, spark) : aggregates;
        rows += compareAggregate(aggregates.aggregate(model.name()), model, mismatches, out);
        continue;
      }
      List<String> key = new ArrayList<>(model.key().keySet());
      Map<String, String> compared = new LinkedHashMap<>(model.key());
      Rows lake = new Rows();
      String validated = paths.validated(model.from().substring(0, model.from().indexOf('.')),
          model.from().substring(model.from().indexOf('.') + 1));
      long version = readable.applyAsLong(model.from());
      if (version >= 0) {
        Dataset<Row> table = spark.read().format("delta").option("versionAsOf", version).load(validated);
        Map<String, String> columns = model.columnsOver(List.of(table.columns()), column -> { });
        columns.forEach((name, expression) -> {
          if (model.history() != WarehouseModel.History.TYPE2 || model.tracked().isEmpty()
              || model.tracked().contains(name)) {
            compared.put(name, expression);
          }
        });
        List<String> select = new ArrayList<>();
        compared.forEach((name, expression) -> select.add("(" + expression + ") AS `" + name + "`"));
        for (Row row : table.where("_op <> 'd'").selectExpr(select.toArray(new String[0])).collectAsList()) {
          Map<String, String> values = new HashMap<>();
          int i = 0;
          for (String name : compared.keySet()) {
            values.put(name, Values.of(row.get(i++)));
          }
          lake.put(key, values);
        }
      }
      Rows warehouse = read(model, new ArrayList<>(compared.keySet()), key);
      rows += warehouse.size();
      for (String row : Rows.union(lake.byKey, warehouse.byKey)) {
        String difference = Rows.difference(lake.byKey.get(row), warehouse.byKey.get(row));
        if (!difference.isEmpty()) {
          mismatches.computeIfAbsent(model.name() + " " + row, k -> new ArrayList<>()).add("warehouse: " + difference);
        }
      }
      out.printf("verify: warehouse %s (from %s) lake=%d warehouse=%d%n", model.name(), model.from(), lake.size(),
          warehouse.size());
    }
    return rows;
  }

  /** An aggregate's rows against the same aggregate recomputed from the warehouse's fact, group by group. */
  private long compareAggregate(ExpectedAggregates.Aggregate aggregate, WarehouseModel model,
      Map<String, List<String>> mismatches, PrintStream out) throws SQLException {
    if (aggregate == null) {
      out.printf("verify: warehouse %s: not compared (a table it reads is not in the lake yet)%n", model.name());
      return 0;
    }
    Rows expected = query(aggregate.query, aggregate.columns, aggregate.groupColumns);
    Rows warehouse = read(model, aggregate.columns, aggregate.groupColumns);
    for (String row : Rows.union(expected.byKey, warehouse.byKey)) {
      String difference = Rows.difference(expected.byKey.get(row), warehouse.byKey.get(row));
      if (!difference.isEmpty()) {
        mismatches.computeIfAbsent(model.name() + " " + row, k -> new ArrayList<>()).add("warehouse: " + difference);
      }
    }
    out.printf("verify: warehouse %s (aggregate of %s) recomputed=%d warehouse=%d%n", model.name(), model.from(),
        expected.size(), warehouse.size());
    return warehouse.size();
  }

  /** The model's rows in the warehouse (a type 2 dimension's current versions), on the given columns. */
  private Rows read(WarehouseModel model, List<String> columns, List<String> key) throws SQLException {
    boolean tsql = config.type() != WarehouseConfig.Type.POSTGRESQL;
    List<String> quoted = new ArrayList<>();
    for (String column : columns) {
      quoted.add(quote(column, tsql));
    }
    String table = quote(config.schema(), tsql) + "." + quote(model.name(), tsql);
    String query = "SELECT " + String.join(", ", quoted) + " FROM " + table
        + (model.history() == WarehouseModel.History.TYPE2 ? " WHERE is_current = " + (tsql ? "1" : "true") : "");
    try {
      return query(query, columns, key);
    } catch (SQLException e) {
      throw new SQLException("cannot read " + table + " in the warehouse (has warehouse-loader run?): " + e.getMessage(), e);
    }
  }

  /** A query's rows, its columns named in order by {@code columns}, keyed by {@code key}. */
  private Rows query(String query, List<String> columns, List<String> key) throws SQLException {
    Rows rows = new Rows();
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
      ResultSetMetaData meta = result.getMetaData();
      while (result.next()) {
        Map<String, String> row = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(columns.get(i - 1), Values.of(result.getObject(i)));
        }
        rows.put(key, row);
      }
    }
    return rows;
  }

  private static String quote(String name, boolean tsql) {
    return tsql ? Identifiers.quoteTsql(name) : Identifiers.quoteAnsi(name);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
