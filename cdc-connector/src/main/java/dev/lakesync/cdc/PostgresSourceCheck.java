package dev.lakesync.cdc;

import dev.lakesync.common.config.SourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Checks a PostgreSQL source before Debezium starts (reachable, logical decoding on) and creates lakesync's signal
 * table, through which an ad-hoc incremental snapshot is requested without stopping the service.
 */
final class PostgresSourceCheck {
  private PostgresSourceCheck() {
  }

  static void prepare(SourceConfig source) {
    Properties props = source.jdbcProperties();
    props.setProperty("connectTimeout", "10");
    try (Connection connection = DriverManager.getConnection(source.jdbcUrl(), props);
         Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SHOW wal_level")) {
        rows.next();
        if (!"logical".equals(rows.getString(1))) {
          throw new CaptureException("PostgreSQL at " + where(source) + " has wal_level=" + rows.getString(1)
              + "; change data capture needs wal_level=logical (ALTER SYSTEM SET wal_level = logical; then restart)");
        }
      }
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + DebeziumProperties.CONTROL_SCHEMA);
      statement.execute("CREATE TABLE IF NOT EXISTS " + DebeziumProperties.SIGNAL_TABLE
          + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
    } catch (SQLException e) {
      throw new CaptureException("cannot prepare PostgreSQL at " + where(source) + " as " + source.user() + ": "
          + e.getMessage(), e);
    }
  }

  private static String where(SourceConfig source) {
    return source.host() + ":" + source.port() + "/" + source.database();
  }
}
