package dev.lakesync.verify;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.SourceConfig;
import dev.lakesync.common.config.TableConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** The source tables as they are now, over JDBC. */
final class SourceReader implements AutoCloseable {
  private final Connection connection;

  SourceReader(SourceConfig source) throws SQLException {
    if (source.type() != SourceConfig.Type.POSTGRESQL) {
      throw new IllegalArgumentException("verify reads PostgreSQL sources for now; source.type is " + source.type());
    }
    Properties properties = source.jdbcProperties();
    properties.setProperty("ApplicationName", "lakesync-verify");
    this.connection = DriverManager.getConnection(source.jdbcUrl(), properties);
    // One snapshot for every table read.
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
  }

  Rows read(TableConfig table) throws SQLException {
    Rows rows = new Rows();
    String sql = "SELECT * FROM " + Identifiers.quoteAnsi(table.schema()) + "." + Identifiers.quoteAnsi(table.table());
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData meta = result.getMetaData();
      while (result.next()) {
        Map<String, String> row = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnName(i), Values.of(result.getObject(i)));
        }
        rows.put(table.key(), row);
      }
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    connection.rollback();
    connection.close();
  }
}
