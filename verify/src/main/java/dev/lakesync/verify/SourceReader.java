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
import java.util.function.UnaryOperator;

/** The source tables as they are now, over JDBC (PostgreSQL, MySQL and MariaDB). */
final class SourceReader implements AutoCloseable {
  private final Connection connection;
  private final UnaryOperator<String> quote;

  SourceReader(SourceConfig source) throws SQLException {
    Properties properties = source.jdbcProperties();
    switch (source.type()) {
      case POSTGRESQL:
        properties.setProperty("ApplicationName", "lakesync-verify");
        quote = Identifiers::quoteAnsi;
        break;
      case MYSQL:
      case MARIADB:
        // The JDBC types Debezium's MySQL connector gives these columns: tinyint(1) a number, year a number.
        properties.setProperty("tinyInt1isBit", "false");
        properties.setProperty("yearIsDateType", "false");
        quote = Identifiers::quoteMysql;
        break;
      default:
        throw new IllegalArgumentException("verify reads PostgreSQL, MySQL and MariaDB sources; source.type is "
            + source.type().name().toLowerCase(java.util.Locale.ROOT));
    }
    this.connection = DriverManager.getConnection(source.jdbcUrl(), properties);
    // One snapshot for every table read.
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
  }

  Rows read(TableConfig table) throws SQLException {
    Rows rows = new Rows();
    String sql = "SELECT * FROM " + quote.apply(table.schema()) + "." + quote.apply(table.table());
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData meta = result.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        if (meta.getColumnType(i) == java.sql.Types.NUMERIC || meta.getColumnType(i) == java.sql.Types.DECIMAL
            || "money".equals(meta.getColumnTypeName(i))) {
          rows.decimalColumns.add(meta.getColumnName(i));
        }
        if ("varbit".equals(meta.getColumnTypeName(i))
            || "bit".equalsIgnoreCase(meta.getColumnTypeName(i)) && meta.getPrecision(i) > 1) {
          rows.bitColumns.add(meta.getColumnName(i));
        }
      }
      while (result.next()) {
        Map<String, String> row = new HashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          // A time of day travels as microseconds since midnight (the lake's BIGINT); JDBC's Time has milliseconds.
          String value;
          if (meta.getColumnType(i) == java.sql.Types.TIME) {
            value = Values.ofTimeText(result.getString(i));
          } else if (rows.bitColumns.contains(meta.getColumnName(i))) {
            // PostgreSQL gives the digits; MySQL and MariaDB the value's bytes, most significant first.
            Object bits = result.getObject(i);
            value = Values.ofBits(bits instanceof byte[] ? new java.math.BigInteger(1, (byte[]) bits).toString(2) : bits);
          } else if ("money".equals(meta.getColumnTypeName(i))) {
            // PostgreSQL writes money with the currency's grouping ("-9,475,354.30"), which JDBC cannot read as a number.
            value = Values.ofMoneyText(result.getString(i));
          } else {
            value = Values.of(result.getObject(i));
          }
          row.put(meta.getColumnName(i), value);
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
