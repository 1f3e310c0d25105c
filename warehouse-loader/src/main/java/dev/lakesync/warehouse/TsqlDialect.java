package dev.lakesync.warehouse;

import dev.lakesync.common.Identifiers;
import dev.lakesync.warehouse.model.ColumnType;
import dev.lakesync.warehouse.model.ResolvedModel;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * T-SQL for the Synapse dedicated SQL pool and for SQL Server / Azure SQL. Synapse: dimensions REPLICATE, facts HASH
 * on their first key column, aggregates ROUND_ROBIN, clustered columnstore; staging is Parquet written by Spark under
 * {@code warehouse.stagingUri} and loaded with COPY INTO using the pool's managed identity. The pool runs no DDL in a
 * user transaction, so staging tables are made and filled before the load's transaction (the load's lease keeps other
 * loads out meanwhile) and dropped after it, with their files; statistics are updated after each load, as the pool
 * does not do it by itself. SQL Server: primary keys, staging in #temp tables filled by JDBC batches. The model
 * statements ({@code ModelSql}) avoid what the SQL pool lacks (ANSI joins in UPDATE/DELETE, IS DISTINCT FROM, MERGE
 * into the model's tables).
 */
final class TsqlDialect implements WarehouseDialect {
  private static final Logger LOG = LoggerFactory.getLogger(TsqlDialect.class);
  private static final int BATCH = 2_000;
  /** How long a load's lease lasts unless renewed: a crashed load keeps others out at most this long. */
  static final int LEASE_MINUTES = 30;
  private static final String LEASE = "_lakesync_load_lease";

  private final boolean synapse;
  private final StagingLocation staging;
  /** Where Synapse's staging tables live (the warehouse schema); SQL Server stages in #temp tables. */
  private final String schema;
  private final String holder = "lakesync-" + UUID.randomUUID();
  /** This load's staging folder (Synapse), under {@link #staging}; null between loads. */
  private String loadFolder;
  private SparkSession spark;

  private TsqlDialect(boolean synapse, StagingLocation staging, String schema) {
    this.synapse = synapse;
    this.staging = staging;
    this.schema = schema;
  }

  static TsqlDialect synapse(StagingLocation staging, String schema) {
    return new TsqlDialect(true, staging, schema);
  }

  static TsqlDialect sqlServer(String schema) {
    return new TsqlDialect(false, null, schema);
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
    String lease = table(schema, LEASE);
    return List.of(
        "IF SCHEMA_ID(N'" + Identifiers.requireValid(schema) + "') IS NULL EXEC(N'CREATE SCHEMA " + quote(schema) + "')",
        createTable(schema, "_lakesync_model_state", List.of("model NVARCHAR(256) NOT NULL", "source NVARCHAR(256) NOT NULL",
            "last_version BIGINT NOT NULL", "loaded_at DATETIME2 NOT NULL"), List.of("model"), "_lakesync_model_state_pkey",
            Storage.STATE),
        createTable(schema, LEASE, List.of("name NVARCHAR(64) NOT NULL", "holder NVARCHAR(100) NULL",
            "expires_at DATETIME2 NOT NULL"), List.of("name"), LEASE + "_pkey", Storage.STATE),
        // Two first loads may both insert the row on the pool, whose keys are not enforced: taking the lease updates
        // every row with one statement, so a second row changes nothing.
        "IF NOT EXISTS (SELECT 1 FROM " + lease + ") INSERT INTO " + lease + " (name, holder, expires_at) "
            + "VALUES (N'load', NULL, CAST('1900-01-01' AS DATETIME2))");
  }

  /**
   * Takes (or renews) the schema's load lease: one conditional UPDATE, which succeeds only when the lease is free,
   * ended, or already this load's. The dedicated pool has no application locks (sp_getapplock).
   */
  @Override
  public void lock(Connection connection) throws SQLException {
    String lease = table(schema, LEASE);
    try (PreparedStatement take = connection.prepareStatement("UPDATE " + lease + " SET holder = ?, expires_at = "
        + "DATEADD(minute, " + LEASE_MINUTES + ", SYSUTCDATETIME()) WHERE holder IS NULL OR holder = ? OR expires_at < "
        + "SYSUTCDATETIME()")) {
      take.setString(1, holder);
      take.setString(2, holder);
      if (take.executeUpdate() > 0) {
        return;
      }
    }
    String other = "another load";
    try (Statement query = connection.createStatement();
         ResultSet row = query.executeQuery("SELECT holder, expires_at FROM " + lease)) {
      if (row.next()) {
        other = "another load (" + row.getString(1) + ", its lease ends at " + row.getString(2) + " UTC)";
      }
    }
    throw new SQLException("warehouse schema " + schema + " is being loaded by " + other + "; this one stops without "
        + "changing anything. A load that crashed holds the lease at most " + LEASE_MINUTES + " minutes.");
  }

  @Override
  public void unlock(Connection connection) {
    try (PreparedStatement release = connection.prepareStatement("UPDATE " + table(schema, LEASE)
        + " SET holder = NULL WHERE holder = ?")) {
      release.setString(1, holder);
      release.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("could not release the warehouse load lease (it ends by itself within {} minutes): {}", LEASE_MINUTES,
          e.getMessage());
    }
  }

  @Override
  public boolean ddlInTransaction() {
    return !synapse;
  }

  @Override
  public void prepareStaging(Connection connection, List<ResolvedModel> staged) {
    loadFolder = "lakesync-" + UUID.randomUUID();
  }

  /** Synapse: drops the load's staging tables and deletes its staging files; logs what it could not. */
  @Override
  public void cleanUp(Connection connection, List<ResolvedModel> staged) {
    if (!synapse) {
      return; // #temp tables go with the session
    }
    try (Statement statement = connection.createStatement()) {
      for (ResolvedModel model : staged) {
        statement.execute(dropStaging(model));
      }
    } catch (SQLException e) {
      LOG.warn("could not drop the load's staging tables (the next load replaces them): {}", e.getMessage());
    }
    if (spark != null && loadFolder != null) {
      String folder = staging.sparkFolder(loadFolder);
      try {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(folder);
        path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not delete the load's staging files in {}: {}", folder, e.getMessage());
      }
    }
    loadFolder = null;
  }

  @Override
  public List<String> updateStatistics(String qualifiedTable) {
    return synapse ? List.of("UPDATE STATISTICS " + qualifiedTable) : List.of();
  }

  private String dropStaging(ResolvedModel model) {
    return "IF OBJECT_ID(N'" + staging(model) + "', N'U') IS NOT NULL DROP TABLE " + staging(model);
  }

  @Override
  public List<String> createStaging(List<ResolvedModel> staged) {
    List<String> statements = new ArrayList<>();
    for (ResolvedModel model : staged) {
      String columns = stagingColumns(model);
      if (synapse) {
        // COPY INTO loads real tables: one per staged model in the schema, made anew for each load (a model that
        // selects every column may have gained one since the last; a crashed load may have left one).
        statements.add(dropStaging(model));
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
    return synapse ? table(schema, name) : "#" + Identifiers.requireValid(name);
  }

  @Override
  public long stage(Connection connection, ResolvedModel model, Dataset<Row> rows) throws SQLException {
    List<String> names = new ArrayList<>();
    for (ResolvedModel.Column column : model.staged()) {
      names.add(quote(column.name()));
    }
    if (synapse) {
      String relative = loadFolder + "/" + model.name();
      spark = rows.sparkSession();
      rows.write().parquet(staging.sparkFolder(relative));
      try (Statement statement = connection.createStatement()) {
        statement.execute("COPY INTO " + staging(model) + " (" + String.join(", ", names) + ") FROM "
            + literal(staging.copyFolder(relative) + "/*.parquet")
            + " WITH (FILE_TYPE = 'PARQUET', CREDENTIAL = (IDENTITY = 'Managed Identity'))");
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
