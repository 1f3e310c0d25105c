package dev.lakesync.cdc;

import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.SourceConfig;
import dev.lakesync.common.config.TableConfig;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Checks a PostgreSQL source before Debezium starts (reachable, logical decoding on, every captured table able to
 * deliver what its declaration needs) and creates lakesync's signal table, through which an ad-hoc incremental
 * snapshot is requested without stopping the service.
 */
final class PostgresSourceCheck {
  private PostgresSourceCheck() {
  }

  static void prepare(SourceConfig source, List<TableConfig> tables) {
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
      List<String> problems = tableProblems(connection, tables);
      if (!problems.isEmpty()) {
        throw new CaptureException("PostgreSQL at " + where(source) + " cannot deliver what the config declares:\n  "
            + String.join("\n  ", problems));
      }
      statement.execute("CREATE SCHEMA IF NOT EXISTS " + DebeziumProperties.CONTROL_SCHEMA);
      statement.execute("CREATE TABLE IF NOT EXISTS " + DebeziumProperties.SIGNAL_TABLE
          + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
    } catch (SQLException e) {
      throw new CaptureException("cannot prepare PostgreSQL at " + where(source) + " as " + source.user() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Per existing table: once in the publication, a table without a replica identity has its UPDATEs and DELETEs
   * refused by PostgreSQL itself; and a delete carries only the replica identity's columns, so a declared key other
   * than the primary key needs the full row. Debezium keeps a table's columns by their lower-case names, so two
   * names differing only in case break its decoding. A table that does not exist yet is left to Debezium.
   */
  static List<String> tableProblems(Connection connection, List<TableConfig> tables) throws SQLException {
    List<String> problems = new ArrayList<>();
    String sql = "SELECT c.relreplident, (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_index i "
        + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        + "WHERE i.indrelid = c.oid AND i.indisprimary), "
        + "(SELECT string_agg(same, '; ') FROM (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS same "
        + "FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        + "GROUP BY lower(a.attname) HAVING count(*) > 1) d) "
        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      for (TableConfig table : tables) {
        query.setString(1, table.schema());
        query.setString(2, table.table());
        try (ResultSet row = query.executeQuery()) {
          if (!row.next()) {
            continue;
          }
          String identity = row.getString(1);
          Array primaryKey = row.getArray(2);
          Set<String> keyColumns = primaryKey == null ? Set.of() : new HashSet<>(Arrays.asList((String[]) primaryKey.getArray()));
          String name = Identifiers.quoteAnsi(table.schema()) + "." + Identifiers.quoteAnsi(table.table());
          String fix = "run: ALTER TABLE " + name + " REPLICA IDENTITY FULL;";
          if (keyColumns.isEmpty() && ("d".equals(identity) || "n".equals(identity))) {
            problems.add(table.qualifiedName() + " has no primary key and no replica identity: once captured, "
                + "PostgreSQL refuses its UPDATEs and DELETEs; " + fix);
          } else if ("d".equals(identity) && !table.key().isEmpty() && !keyColumns.equals(new HashSet<>(table.key()))) {
            problems.add(table.qualifiedName() + " is declared with key " + table.key() + " but its primary key is "
                + new java.util.TreeSet<>(keyColumns) + ": a delete carries only the primary key; declare key: "
                + new java.util.TreeSet<>(keyColumns) + " or " + fix);
          } else if ("n".equals(identity)) {
            problems.add(table.qualifiedName() + " has REPLICA IDENTITY NOTHING: once captured, PostgreSQL refuses "
                + "its UPDATEs and DELETEs; " + fix);
          }
          if (row.getString(3) != null) {
            problems.add(table.qualifiedName() + " has columns whose names differ only in case (" + row.getString(3)
                + "): Debezium cannot tell them apart and stops at the table's first change; rename all but one "
                + "(ALTER TABLE " + name + " RENAME COLUMN ... TO ...;)");
          }
        }
      }
    }
    return problems;
  }

  /**
   * A warning when capture would reach a PostgreSQL server on another machine without checking its certificate
   * ({@code source.debezium} {@code database.sslmode} other than verify-full or verify-ca), or null.
   */
  static String tlsWarning(SourceConfig source) {
    if (source.type() != SourceConfig.Type.POSTGRESQL
        || java.util.Set.of("localhost", "127.0.0.1", "::1").contains(source.host())) {
      return null;
    }
    String mode = source.debezium().get("database.sslmode");
    if ("verify-full".equals(mode) || "verify-ca".equals(mode)) {
      return null;
    }
    return "capture: warning: the connection to PostgreSQL at " + where(source) + " does not verify the server's "
        + "certificate (source.debezium database.sslmode: " + (mode == null ? "not set" : mode) + "); set it to "
        + "verify-full with database.sslrootcert naming the server's root certificates";
  }

  private static String where(SourceConfig source) {
    return source.host() + ":" + source.port() + "/" + source.database();
  }
}
