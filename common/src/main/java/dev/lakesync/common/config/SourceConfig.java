package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Source;
import java.util.Map;

/** The OLTP database that cdc-connector captures, plus raw Debezium properties passed through untouched. */
public final class SourceConfig {
  /** Source database kinds; each has a Debezium connector. */
  public enum Type {
    POSTGRESQL(5432, "io.debezium.connector.postgresql.PostgresConnector"),
    MYSQL(3306, "io.debezium.connector.mysql.MySqlConnector"),
    // The MySQL connector also reads MariaDB binlogs (no separate MariaDB connector is published for 3.3.2).
    MARIADB(3306, "io.debezium.connector.mysql.MySqlConnector"),
    SQLSERVER(1433, "io.debezium.connector.sqlserver.SqlServerConnector"),
    ORACLE(1521, "io.debezium.connector.oracle.OracleConnector");

    private final int defaultPort;
    private final String connectorClass;

    Type(int defaultPort, String connectorClass) {
      this.defaultPort = defaultPort;
      this.connectorClass = connectorClass;
    }

    public int defaultPort() {
      return defaultPort;
    }

    public String connectorClass() {
      return connectorClass;
    }
  }

  private final Type type;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final Secret password;
  private final String slotName;
  private final String publication;
  private final java.net.URI offsetsUrl;
  private final Map<String, String> debezium;

  private SourceConfig(ConfigNode node) {
    this.type = node.get(Source.TYPE);
    this.host = node.get(Source.HOST);
    this.port = node.get(Source.PORT, type == null ? 0 : type.defaultPort());
    this.database = node.get(Source.DATABASE);
    this.user = node.get(Source.USER);
    this.password = node.get(Source.PASSWORD);
    this.slotName = node.get(Source.SLOT_NAME);
    this.publication = node.get(Source.PUBLICATION);
    this.offsetsUrl = node.get(Source.OFFSETS_URL);
    this.debezium = node.get(Source.DEBEZIUM);
    node.rejectUnknownKeys();
  }

  static SourceConfig from(ConfigNode node) {
    return new SourceConfig(node);
  }

  public Type type() {
    return type;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  public Secret password() {
    return password;
  }

  /** PostgreSQL logical replication slot. */
  public String slotName() {
    return slotName;
  }

  /** PostgreSQL publication used by pgoutput. */
  public String publication() {
    return publication;
  }

  /**
   * A blob (https://account.blob.core.windows.net/container/path) where capture keeps its offsets and schema
   * history; null keeps them as files under workDir (or, with an abfss:// lake, under the lake's _state folder).
   */
  public java.net.URI offsetsUrl() {
    return offsetsUrl;
  }

  /** Raw Debezium connector properties, applied last (they win over what lakesync derives). */
  public Map<String, String> debezium() {
    return debezium;
  }

  /**
   * JDBC connection properties for {@link #jdbcUrl()}: user and password and, for PostgreSQL, the TLS settings given
   * to Debezium ({@code database.sslmode}, {@code database.sslrootcert}, ...), so that every connection to the
   * source checks the server as capture's does.
   */
  public java.util.Properties jdbcProperties() {
    java.util.Properties properties = JdbcCredentials.of(user, password); // user is required for a source
    if (type == Type.POSTGRESQL) {
      for (String setting : java.util.List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword")) {
        String value = debezium.get("database." + setting);
        if (value != null) {
          properties.setProperty(setting, value);
        }
      }
    }
    return properties;
  }

  /** A JDBC URL for this source, for tools that read it directly (verify, the workload generator). */
  public String jdbcUrl() {
    switch (type) {
      case POSTGRESQL:
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
      case MYSQL:
        return "jdbc:mysql://" + host + ":" + port + "/" + database;
      case MARIADB:
        // MySQL's driver, which Debezium's MySQL connector (capturing MariaDB too) ships and verify reads with.
        return "jdbc:mysql://" + host + ":" + port + "/" + database;
      case SQLSERVER:
        return "jdbc:sqlserver://" + host + ":" + port + ";databaseName=" + database;
      default:
        return "jdbc:oracle:thin:@//" + host + ":" + port + "/" + database;
    }
  }

  @Override
  public String toString() {
    return "SourceConfig{type=" + type + ", host=" + host + ", port=" + port + ", database=" + database
        + ", user=" + user + ", password=" + password + ", slotName=" + slotName + ", publication=" + publication
        + ", debezium=" + debezium.keySet() + "}";
  }
}
