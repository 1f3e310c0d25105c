package dev.lakesync.common.config;

import java.net.URI;
import java.util.Set;

/** The SQL warehouse that warehouse-loader fills: local PostgreSQL, Synapse dedicated SQL pool, or SQL Server. */
public final class WarehouseConfig {
  /** Warehouse dialects. */
  public enum Type { POSTGRESQL, SYNAPSE, SQLSERVER }

  private final Type type;
  private final String jdbcUrl;
  private final String user;
  private final Secret password;
  private final String schema;
  private final URI stagingUri;

  private WarehouseConfig(ConfigNode node) {
    this.type = node.requiredChoice("type", Type.class);
    this.jdbcUrl = node.requiredString("jdbcUrl");
    this.user = node.string("user", null);
    this.password = node.secret("password");
    this.schema = node.string("schema", "dw");
    this.stagingUri = node.uri("stagingUri", Set.of("abfss", "abfs", "https"), type == Type.SYNAPSE);
    if (jdbcUrl != null && type != null) {
      String expected = type == Type.POSTGRESQL ? "jdbc:postgresql://" : "jdbc:sqlserver://";
      if (!jdbcUrl.startsWith(expected)) {
        node.problem("jdbcUrl", "expected a URL starting with " + expected + " for type " + ConfigNode.configName(type)
            + ", got '" + redactJdbcUrl(jdbcUrl) + "'");
      }
    }
    if (schema != null && !dev.lakesync.common.Identifiers.isValid(schema)) {
      node.problem("schema", "expected letters, digits and underscores, got '" + schema + "'");
    }
    node.rejectUnknownKeys();
  }

  static WarehouseConfig from(ConfigNode node) {
    return new WarehouseConfig(node);
  }

  /** Hides password=... parameters, which SQL Server URLs may carry. */
  static String redactJdbcUrl(String url) {
    return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=****");
  }

  public Type type() {
    return type;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** Null with Azure identity (managed identity / DefaultAzureCredential). */
  public String user() {
    return user;
  }

  public Secret password() {
    return password;
  }

  public String schema() {
    return schema;
  }

  /** Where Parquet is staged for COPY INTO (Synapse only). */
  public URI stagingUri() {
    return stagingUri;
  }

  /**
   * JDBC connection properties for {@link #jdbcUrl()}: user and password when given; for the T-SQL types without a
   * user, Azure identity (managed identity, or what DefaultAzureCredential finds), as mssql-jdbc supports.
   */
  public java.util.Properties jdbcProperties() {
    java.util.Properties properties = JdbcCredentials.of(user, password);
    if (type != Type.POSTGRESQL && user == null) {
      properties.setProperty("authentication", "ActiveDirectoryDefault");
    }
    return properties;
  }

  @Override
  public String toString() {
    return "WarehouseConfig{type=" + type + ", jdbcUrl=" + (jdbcUrl == null ? null : redactJdbcUrl(jdbcUrl))
        + ", user=" + user + ", password=" + (password == null ? "none" : password) + ", schema=" + schema
        + ", stagingUri=" + stagingUri + "}";
  }
}
