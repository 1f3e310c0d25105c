package dev.lakesync.common.config;

import dev.lakesync.common.config.ConfigOptions.Warehouse;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

  private final List<WarehouseModel> models;

  private final AzureConfig azure;

  private WarehouseConfig(ConfigNode node, List<TableConfig> tables, AzureConfig azure) {
    this.azure = azure;
    this.type = node.get(Warehouse.TYPE);
    this.jdbcUrl = node.get(Warehouse.JDBC_URL);
    this.user = node.get(Warehouse.USER);
    this.password = node.get(Warehouse.PASSWORD);
    this.schema = node.get(Warehouse.SCHEMA);
    this.stagingUri = node.get(Warehouse.STAGING_URI);
    if (type == Type.SYNAPSE && stagingUri == null && !node.has(Warehouse.STAGING_URI)) {
      node.problem(Warehouse.STAGING_URI.key(), "is required");
    }
    if (jdbcUrl != null && type != null) {
      String expected = type == Type.POSTGRESQL ? "jdbc:postgresql://" : "jdbc:sqlserver://";
      if (!jdbcUrl.startsWith(expected)) {
        node.problem("jdbcUrl", "expected a URL starting with " + expected + " for type " + ConfigNode.configName(type)
            + ", got '" + redactJdbcUrl(jdbcUrl) + "'");
      }
    }
    this.models = parseModels(node, tables);
    node.rejectUnknownKeys();
  }

  static WarehouseConfig from(ConfigNode node, List<TableConfig> tables, AzureConfig azure) {
    return new WarehouseConfig(node, tables, azure);
  }

  /** The models, each checked against the tables and the models it names. */
  private static List<WarehouseModel> parseModels(ConfigNode node, List<TableConfig> tables) {
    Map<String, ConfigNode> nodes = node.get(Warehouse.MODELS);
    Set<String> tableNames = new LinkedHashSet<>();
    for (TableConfig table : tables) {
      tableNames.add(table.qualifiedName());
    }
    Map<String, WarehouseModel> byName = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> entry : nodes.entrySet()) {
      WarehouseModel model = WarehouseModel.from(entry.getKey(), entry.getValue());
      ConfigNode at = entry.getValue();
      if (model.kind() == WarehouseModel.Kind.AGGREGATE) {
        checkAggregate(model, byName, at);
      } else if (model.from() != null && !tableNames.contains(model.from())) {
        at.problem("from", "table '" + model.from() + "' is not in tables: (" + String.join(", ", tableNames) + ")");
      }
      if (model.kind() == WarehouseModel.Kind.FACT) {
        checkLookups(model, byName, at);
      }
      byName.put(model.name(), model);
    }
    return List.copyOf(byName.values());
  }

  /** Lookups name dimensions declared before the fact, with as many fact columns as the dimension's key. */
  private static void checkLookups(WarehouseModel fact, Map<String, WarehouseModel> before, ConfigNode at) {
    for (int i = 0; i < fact.lookups().size(); i++) {
      WarehouseModel.Lookup lookup = fact.lookups().get(i);
      String where = "lookups[" + i + "]";
      WarehouseModel dimension = before.get(lookup.dimension());
      if (dimension == null || dimension.kind() != WarehouseModel.Kind.DIMENSION) {
        at.problem(where + ".dimension", "'" + lookup.dimension() + "' is not a dimension declared before this fact");
        continue;
      }
      if (lookup.on().size() != dimension.key().size()) {
        at.problem(where + ".match", "names " + lookup.on().size() + " column(s), but " + dimension.name()
            + "'s key has " + dimension.key().size() + " (" + String.join(", ", dimension.key().keySet()) + ")");
      }
      if (dimension.history() == WarehouseModel.History.TYPE2 && fact.time() == null) {
        at.problem("time", "is required: lookup of " + dimension.name() + " (history: type2) takes the version "
            + "valid at the fact's time");
      }
      if (dimension.columns() != null) {
        for (String column : lookup.take()) {
          if (!dimension.columns().containsKey(column) && !dimension.key().containsKey(column)) {
            at.problem(where + ".take", "'" + column + "' is not a column of " + dimension.name());
          }
        }
      }
    }
  }

  /** An aggregate reads a fact declared before it; dimension columns come through one of the fact's lookups. */
  private static void checkAggregate(WarehouseModel aggregate, Map<String, WarehouseModel> before, ConfigNode at) {
    WarehouseModel fact = before.get(aggregate.from());
    if (fact == null || fact.kind() != WarehouseModel.Kind.FACT) {
      at.problem("from", "'" + aggregate.from() + "' is not a fact declared before this aggregate");
      return;
    }
    Set<String> dimensions = new LinkedHashSet<>();
    for (WarehouseModel.Lookup lookup : fact.lookups()) {
      dimensions.add(lookup.dimension());
    }
    aggregate.groupBy().forEach((column, source) -> {
      int dot = source.indexOf('.');
      if (dot > 0 && !dimensions.contains(source.substring(0, dot))) {
        at.problem("groupBy." + column, "'" + source.substring(0, dot) + "' is not a dimension that "
            + fact.name() + " looks up (" + String.join(", ", dimensions) + ")");
      }
    });
    String by = aggregate.incrementalBy();
    if (by != null && (!aggregate.groupBy().containsKey(by) || aggregate.groupBy().get(by).contains("."))) {
      at.problem("incrementalBy", "'" + by + "' must be a groupBy column taken from the fact itself");
    }
  }

  /** Hides password=... parameters, which SQL Server URLs may carry. */
  static String redactJdbcUrl(String url) {
    return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=****");
  }

  /**
   * The declared models, in file order (a model only names models declared before it); the warehouse stage refuses
   * to start without any.
   */
  public List<WarehouseModel> models() {
    return models;
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
   * JDBC connection properties for {@link #jdbcUrl()}: user and password when given. For the T-SQL types without a
   * user: the {@code azure} service principal when configured; inside Synapse, a token for the SQL pool from the
   * workspace's token library (its managed identity; MSAL-based credentials do not work there); elsewhere what
   * DefaultAzureCredential finds (managed identity, Azure CLI...), as mssql-jdbc supports.
   */
  public java.util.Properties jdbcProperties() {
    java.util.Properties properties = JdbcCredentials.of(user, password);
    if (type != Type.POSTGRESQL && user == null) {
      if (azure != null) {
        properties.setProperty("authentication", "ActiveDirectoryServicePrincipal");
        properties.setProperty("user", azure.clientId());
        properties.setProperty("password", azure.clientSecret().reveal());
      } else if (dev.lakesync.common.azure.SynapseTokenLibrary.available()) {
        properties.setProperty("accessToken", dev.lakesync.common.azure.SynapseTokenLibrary.accessToken("DW"));
      } else {
        properties.setProperty("authentication", "ActiveDirectoryDefault");
      }
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
