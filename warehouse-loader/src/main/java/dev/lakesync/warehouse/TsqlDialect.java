package dev.lakesync.warehouse;

import dev.lakesync.common.Identifiers;
import dev.lakesync.warehouse.model.ColumnType;
import dev.lakesync.warehouse.model.ResolvedModel;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * T-SQL for the Synapse dedicated SQL pool and for SQL Server / Azure SQL. Synapse: dimensions REPLICATE, facts HASH
 * on their first key column, aggregates ROUND_ROBIN, clustered columnstore; staging is Parquet written by Spark under
 * {@code warehouse.stagingUri} and loaded with COPY INTO using the pool's managed identity. SQL Server: primary keys,
 * staging in #temp tables filled by JDBC batches. The model statements ({@code ModelSql}) avoid what the SQL pool
 * lacks (ANSI joins in UPDATE/DELETE, IS DISTINCT FROM, MERGE into the model's tables).
 */
final class TsqlDialect implements WarehouseDialect {
  private static final int BATCH = 2_000;
  private final boolean synapse;
  private final String stagingUri;
  /** Where Synapse's staging tables live (the warehouse schema); SQL Server stages in #temp tables. */
  private final String stagingSchema;

  private TsqlDialect(boolean synapse, String stagingUri, String stagingSchema) {
    this.synapse = synapse;
    this.stagingUri = stagingUri;
    this.stagingSchema = stagingSchema;
  }

  static TsqlDialect synapse(String stagingUri, String schema) {
    return new TsqlDialect(true, stagingUri.endsWith("/") ? stagingUri.substring(0, stagingUri.length() - 1) : stagingUri,
        schema);
  }

  static TsqlDialect sqlServer() {
    return new TsqlDialect(false, null, null);
  }

  @Override
  public String quote(String identifier) {
    return Identifiers.quoteTsql(identifier);
  }

  @Override
  public String type(ColumnType type) {
    switch (type.kind()) {
      case BOOLEAN:
        return "BIT";
      case SMALLINT:
        return "SMALLINT";
      case INT:
        return "INT";
      case BIGINT:
        return "BIGINT";
      case REAL:
        return "REAL";
      case DOUBLE:
        return "FLOAT";
      case DECIMAL:
        return "DECIMAL(" + type.precision() + "," + type.scale() + ")";
      case DATE:
        return "DATE";
      case TIMESTAMP:
        return "DATETIME2";
      case BINARY:
        return "VARBINARY(8000)";
      default:
        return "NVARCHAR(4000)";
    }
  }

  @Override
  public String positionType() {
    return "VARCHAR(80)";
  }

  @Override
  public String bool(boolean value) {
    return value ? "1" : "0";
  }

  @Override
  public String identity() {
    return "BIGINT IDENTITY(1,1) NOT NULL";
  }

  @Override
  public String countAll() {
    return "COUNT_BIG(*)";
  }

  @Override
  public String count(String expression) {
    return "COUNT_BIG(" + expression + ")";
  }

  /** A table's storage: distribution and index on the SQL pool, a primary key on SQL Server. */
  @Override
  public String createTable(String schema, String name, List<String> columns, List<String> primaryKey, String keyName,
      Storage storage) {
    String body;
    if (synapse) {
      String distribution;
      switch (storage) {
        case FACT:
        case STATE: // MERGE ... WHEN NOT MATCHED THEN INSERT needs a HASH-distributed target on the pool
          distribution = "HASH(" + primaryKey.get(0) + ")";
          break;
        case AGGREGATE:
          distribution = "ROUND_ROBIN";
          break;
        default:
          distribution = "REPLICATE";
      }
      body = "(" + String.join(", ", columns) + ") WITH (DISTRIBUTION = " + distribution + ", CLUSTERED COLUMNSTORE INDEX)";
    } else {
      body = "(" + String.join(", ", columns) + (primaryKey.isEmpty() ? "" : ", CONSTRAINT " + quote(keyName)
          + " PRIMARY KEY (" + String.join(", ", primaryKey) + ")") + ")";
    }
    return "IF OBJECT_ID(N'" + table(schema, name) + "', N'U') IS NULL CREATE TABLE " + table(schema, name) + " " + body;
  }

  @Override
  public String addColumn(String schema, String table, String column, String definition) {
    return "IF COL_LENGTH(N'" + table(schema, table) + "', N'" + Identifiers.requireValid(column) + "') IS NULL ALTER TABLE "
        + table(schema, table) + " ADD " + definition;
  }

  @Override
  public List<String> createIndex(String schema, String table, String indexName, List<String> columns) {
    return List.of(); // columnstore on the pool; SQL Server finds versions by the clustered key's scan
  }

  @Override
  public List<String> analyze(String table) {
    return List.of();
  }

  @Override
  public String createTemporary(String name, String query) {
    return synapse ? "CREATE TABLE " + temporary(name) + " WITH (DISTRIBUTION = ROUND_ROBIN) AS " + query
        : "SELECT * INTO " + temporary(name) + " FROM (" + query + ") AS q";
  }

  @Override
  public String temporary(String name) {
    return "#" + Identifiers.requireValid(name);
  }

  @Override
  public String dropTemporary(String name) {
    return "DROP TABLE " + temporary(name);
  }

  @Override
  public boolean rebuildsKeyAfterBulkInsert() {
    return false;
  }

  /** A staging table's column definitions, "name type, ...". */
  private String stagingColumns(ResolvedModel model) {
    List<String> columns = new ArrayList<>();
    for (ResolvedModel.Column column : model.staged()) {
      columns.add(quote(column.name()) + " " + stagingType(column));
    }
    return String.join(", ", columns);
  }

  private String stagingType(ResolvedModel.Column column) {
    if (column.name().equals(ResolvedModel.OP)) {
      return "CHAR(1)";
    }
    return column.name().equals(ResolvedModel.POSITION) ? positionType() : type(column.type());
  }

  @Override
  public List<String> createStatements(String schema) {
    return List.of(
        "IF SCHEMA_ID(N'" + Identifiers.requireValid(schema) + "') IS NULL EXEC(N'CREATE SCHEMA " + quote(schema) + "')",
        createTable(schema, "_lakesync_model_state", List.of("model NVARCHAR(256) NOT NULL", "source NVARCHAR(256) NOT NULL",
            "last_version BIGINT NOT NULL", "loaded_at DATETIME2 NOT NULL"), List.of("model"), "_lakesync_model_state_pkey",
            Storage.STATE));
  }

  @Override
  public List<String> createStaging(List<ResolvedModel> staged) {
    List<String> statements = new ArrayList<>();
    for (ResolvedModel model : staged) {
      String columns = stagingColumns(model);
      if (synapse) {
        // COPY INTO loads real tables: one per staged model in the schema, made anew for each load (a model that
        // selects every column may have gained one since the last).
        statements.add("IF OBJECT_ID(N'" + staging(model) + "', N'U') IS NOT NULL DROP TABLE " + staging(model));
        statements.add("CREATE TABLE " + staging(model) + " (" + columns + ") WITH (DISTRIBUTION = ROUND_ROBIN, HEAP)");
      } else {
        statements.add("CREATE TABLE " + staging(model) + " (" + columns + ")");
      }
    }
    return statements;
  }

  @Override
  public String staging(ResolvedModel model) {
    String name = "_lakesync_stg_" + model.name();
    return synapse ? table(stagingSchema, name) : "#" + Identifiers.requireValid(name);
  }

  @Override
  public long stage(Connection connection, ResolvedModel model, Dataset<Row> rows) throws SQLException {
    List<String> names = new ArrayList<>();
    for (ResolvedModel.Column column : model.staged()) {
      names.add(quote(column.name()));
    }
    if (synapse) {
      String folder = stagingUri + "/lakesync-" + UUID.randomUUID() + "/" + model.name();
      rows.write().parquet(folder);
      try (Statement statement = connection.createStatement()) {
        statement.execute("COPY INTO " + staging(model) + " (" + String.join(", ", names) + ") FROM "
            + literal(folder + "/*.parquet") + " WITH (FILE_TYPE = 'PARQUET', CREDENTIAL = (IDENTITY = 'Managed Identity'))");
        return statement.getUpdateCount();
      }
    }
    String placeholders = String.join(", ", Collections.nCopies(names.size(), "?"));
    long count = 0;
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + staging(model) + " ("
        + String.join(", ", names) + ") VALUES (" + placeholders + ")")) {
      Iterator<Row> iterator = rows.toLocalIterator();
      while (iterator.hasNext()) {
        Row row = iterator.next();
        for (int i = 0; i < row.length(); i++) {
          Object value = row.get(i);
          if (value instanceof Timestamp) {
            // DATETIME2 has no zone: store UTC wall time, whatever the JVM's zone.
            insert.setObject(i + 1, ((Timestamp) value).toInstant().atOffset(java.time.ZoneOffset.UTC).toLocalDateTime());
          } else if (value instanceof BigDecimal) {
            insert.setBigDecimal(i + 1, (BigDecimal) value);
          } else {
            insert.setObject(i + 1, value);
          }
        }
        insert.addBatch();
        if (++count % BATCH == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
    return count;
  }

  /** A T-SQL string literal (for the staging URL, which comes from the config, not from data). */
  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  @Override
  public String upsertLoadState(String schema) {
    String state = table(schema, "_lakesync_model_state");
    return "MERGE " + state + " AS t USING (SELECT CAST(? AS NVARCHAR(256)) AS model, CAST(? AS NVARCHAR(256)) AS source, "
        + "CAST(? AS BIGINT) AS last_version) AS s ON t.model = s.model WHEN MATCHED THEN UPDATE SET source = s.source, "
        + "last_version = s.last_version, loaded_at = SYSUTCDATETIME() WHEN NOT MATCHED THEN INSERT (model, source, "
        + "last_version, loaded_at) VALUES (s.model, s.source, s.last_version, SYSUTCDATETIME());";
  }
}
