package dev.lakesync.verify;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.WarehouseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the warehouse holds for each demo bank table, in the source table's column names: the current
 * {@code dim_customer} versions, {@code dim_account}, {@code fact_payment} (the model warehouse-loader builds).
 */
final class WarehouseReader implements AutoCloseable {
  private static final Map<String, String> QUERIES = Map.of(
      "bank.customers", "SELECT customer_id AS id, name, email, segment FROM %s WHERE is_current = %s",
      "bank.accounts", "SELECT account_id AS id, customer_id, type, balance, currency, status FROM %s",
      "bank.payments", "SELECT payment_id AS id, account_id, amount, currency, merchant, status, created_at FROM %s");
  private static final Map<String, String> TABLES = Map.of(
      "bank.customers", "dim_customer", "bank.accounts", "dim_account", "bank.payments", "fact_payment");

  private final Connection connection;
  private final WarehouseConfig config;

  WarehouseReader(WarehouseConfig config) throws SQLException {
    this.config = config;
    this.connection = DriverManager.getConnection(config.jdbcUrl(), config.jdbcProperties());
  }

  /** The warehouse rows standing for a source table, or empty when the warehouse models no such table. */
  Optional<Rows> read(String table, List<String> key) throws SQLException {
    String query = QUERIES.get(table);
    if (query == null) {
      return Optional.empty();
    }
    boolean tsql = config.type() != WarehouseConfig.Type.POSTGRESQL;
    String name = tsql ? Identifiers.quoteTsql(config.schema()) + "." + Identifiers.quoteTsql(TABLES.get(table))
        : Identifiers.quoteAnsi(config.schema()) + "." + Identifiers.quoteAnsi(TABLES.get(table));
    Rows rows = new Rows();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(String.format(query, name, tsql ? "1" : "true"))) {
      ResultSetMetaData meta = result.getMetaData();
      while (result.next()) {
        Map<String, String> row = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), Values.of(result.getObject(i)));
        }
        rows.put(key, row);
      }
    } catch (SQLException e) {
      throw new SQLException("cannot read " + name + " in the warehouse (has warehouse-loader run?): " + e.getMessage(), e);
    }
    return Optional.of(rows);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
