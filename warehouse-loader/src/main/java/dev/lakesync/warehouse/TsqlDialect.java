package dev.lakesync.warehouse;

import dev.lakesync.common.Identifiers;
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
 * T-SQL for the Synapse dedicated SQL pool and for SQL Server / Azure SQL. Synapse: dimensions REPLICATE, the fact
 * HASH(payment_id), clustered columnstore; staging is Parquet written by Spark under {@code warehouse.stagingUri}
 * and loaded with COPY INTO using the pool's managed identity. SQL Server: primary keys, staging in #temp tables
 * filled by JDBC batches. The statements avoid what the SQL pool lacks (ANSI joins in UPDATE/DELETE, IS DISTINCT
 * FROM): implicit-join UPDATEs, EXISTS for deletes, UPDATE + INSERT instead of MERGE for the model.
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

  private static String type(StagedTable.Type type) {
    switch (type) {
      case BIGINT:
        return "BIGINT";
      case TIMESTAMP:
        return "DATETIME2";
      case MONEY:
        return "DECIMAL(14,2)";
      case OP:
        return "CHAR(1)";
      case POSITION:
        return "VARCHAR(80)";
      default:
        return "NVARCHAR(400)";
    }
  }

  /** A staging table's column definitions, "name type, ...". */
  private String stagingColumns(StagedTable staged) {
    List<String> columns = new ArrayList<>();
    for (StagedTable.Column column : staged.columns()) {
      columns.add(quote(column.name) + " " + type(column.type));
    }
    return String.join(", ", columns);
  }

  /** A table's storage: distribution and index on the SQL pool, a primary key on SQL Server. */
  private String create(String schema, String name, String columns, String distribution, String primaryKey) {
    String body = synapse
        ? "(" + columns + ") WITH (DISTRIBUTION = " + distribution + ", CLUSTERED COLUMNSTORE INDEX)"
        : "(" + columns + (primaryKey == null ? "" : ", PRIMARY KEY (" + primaryKey + ")") + ")";
    return "IF OBJECT_ID(N'" + table(schema, name) + "', N'U') IS NULL CREATE TABLE " + table(schema, name) + " " + body;
  }

  @Override
  public List<String> createStatements(String schema) {
    return List.of(
        "IF SCHEMA_ID(N'" + Identifiers.requireValid(schema) + "') IS NULL EXEC(N'CREATE SCHEMA " + quote(schema) + "')",
        create(schema, "dim_customer", "customer_sk BIGINT IDENTITY(1,1) NOT NULL, customer_id BIGINT NOT NULL, "
            + "name NVARCHAR(400), email NVARCHAR(400), segment NVARCHAR(400), valid_from DATETIME2 NOT NULL, "
            + "valid_to DATETIME2 NULL, is_current BIT NOT NULL, _source_pos VARCHAR(80) NOT NULL", "REPLICATE", "customer_sk"),
        create(schema, "dim_account", "account_id BIGINT NOT NULL, customer_id BIGINT, type NVARCHAR(400), "
            + "balance DECIMAL(14,2), currency NVARCHAR(400), status NVARCHAR(400), updated_at DATETIME2, "
            + "_source_pos VARCHAR(80) NOT NULL", "REPLICATE", "account_id"),
        create(schema, "fact_payment", "payment_id BIGINT NOT NULL, account_id BIGINT, customer_id BIGINT, "
            + "customer_sk BIGINT, amount DECIMAL(14,2), currency NVARCHAR(400), merchant NVARCHAR(400), "
            + "status NVARCHAR(400), created_at DATETIME2, payment_date DATE, _source_pos VARCHAR(80) NOT NULL",
            "HASH(payment_id)", "payment_id"),
        create(schema, "agg_payments_daily", "payment_date DATE NOT NULL, segment NVARCHAR(400) NOT NULL, "
            + "currency NVARCHAR(400) NOT NULL, payment_count BIGINT NOT NULL, amount_sum DECIMAL(18,2), "
            + "amount_avg DECIMAL(18,2)", "REPLICATE", null),
        create(schema, "_lakesync_load_state", "source_table NVARCHAR(256) NOT NULL, last_version BIGINT NOT NULL, "
            + "loaded_at DATETIME2 NOT NULL", "REPLICATE", "source_table"));
  }

  @Override
  public List<String> createStaging() {
    List<String> statements = new ArrayList<>();
    for (StagedTable staged : StagedTable.values()) {
      String columns = stagingColumns(staged);
      if (synapse) {
        // COPY INTO loads real tables: one per staged table in the schema, emptied for each load.
        statements.add("IF OBJECT_ID(N'" + staging(staged) + "', N'U') IS NULL CREATE TABLE " + staging(staged) + " ("
            + columns + ") WITH (DISTRIBUTION = ROUND_ROBIN, HEAP)");
        statements.add("TRUNCATE TABLE " + staging(staged));
      } else {
        statements.add("CREATE TABLE " + staging(staged) + " (" + columns + ")");
      }
    }
    return statements;
  }

  @Override
  public String staging(StagedTable table) {
    return synapse ? table(stagingSchema, table.table) : "#" + Identifiers.requireValid(table.table);
  }

  @Override
  public long stage(Connection connection, StagedTable table, Dataset<Row> rows) throws SQLException {
    List<String> names = new ArrayList<>();
    for (StagedTable.Column column : table.columns()) {
      names.add(quote(column.name));
    }
    if (synapse) {
      String folder = stagingUri + "/lakesync-" + UUID.randomUUID() + "/" + table.table;
      rows.write().parquet(folder);
      try (Statement statement = connection.createStatement()) {
        statement.execute("COPY INTO " + staging(table) + " (" + String.join(", ", names) + ") FROM "
            + literal(folder + "/*.parquet") + " WITH (FILE_TYPE = 'PARQUET', CREDENTIAL = (IDENTITY = 'Managed Identity'))");
        return statement.getUpdateCount();
      }
    }
    String placeholders = String.join(", ", Collections.nCopies(names.size(), "?"));
    long count = 0;
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + staging(table) + " ("
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

  private static String distinct(String a, String b) {
    return "NOT (" + a + " = " + b + " OR (" + a + " IS NULL AND " + b + " IS NULL))";
  }

  @Override
  public List<String> applyStatements(String schema, boolean factsEmpty) {
    String customer = staging(StagedTable.CUSTOMER);
    String account = staging(StagedTable.ACCOUNT);
    String payment = staging(StagedTable.PAYMENT);
    String dimCustomer = table(schema, "dim_customer");
    String dimAccount = table(schema, "dim_account");
    String fact = table(schema, "fact_payment");
    String agg = table(schema, "agg_payments_daily");
    String newestHeld = "(SELECT MAX(m._source_pos) FROM " + dimCustomer + " m WHERE m.customer_id = %s)";
    String window = " OVER (PARTITION BY q.customer_id ORDER BY q.source_pos)";
    String paymentRows = "(SELECT s.payment_id, s.account_id, a.customer_id, (SELECT TOP 1 c.customer_sk FROM "
        + dimCustomer + " c WHERE c.customer_id = a.customer_id ORDER BY CASE WHEN c.valid_from <= s.created_at THEN 0 "
        + "ELSE 1 END, CASE WHEN c.valid_from <= s.created_at THEN c.valid_from END DESC, c.valid_from) AS customer_sk, "
        + "s.amount, s.currency, s.merchant, s.status, s.created_at, CAST(s.created_at AS DATE) AS payment_date, "
        + "s.source_pos FROM " + payment + " s LEFT JOIN " + dimAccount + " a ON a.account_id = s.account_id "
        + "WHERE s.op <> 'd')";
    return List.of(
        "INSERT INTO " + dimCustomer + " (customer_id, name, email, segment, valid_from, valid_to, is_current, _source_pos) "
            + "SELECT customer_id, name, email, segment, valid_from, NULL, 0, source_pos FROM ("
            + "SELECT q.*, LAG(q.name)" + window + " AS p_name, LAG(q.email)" + window + " AS p_email, "
            + "LAG(q.segment)" + window + " AS p_segment, LAG(q.op)" + window + " AS p_op FROM ("
            + "SELECT 'held' AS kind, h.customer_id, h.name, h.email, h.segment, h.valid_from, h._source_pos AS source_pos, "
            + "CASE WHEN h.valid_to IS NOT NULL AND h.is_current = 0 THEN 'd' ELSE 'u' END AS op FROM " + dimCustomer + " h "
            + "WHERE h.customer_id IN (SELECT customer_id FROM " + customer + ") "
            + "AND h._source_pos = " + String.format(newestHeld, "h.customer_id") + " "
            + "UNION ALL SELECT 'staged', s.customer_id, s.name, s.email, s.segment, "
            + "CASE WHEN s.op IN ('c', 'r') THEN COALESCE(s.created_at, s.changed_at) ELSE s.changed_at END, "
            + "s.source_pos, s.op FROM " + customer + " s "
            + "WHERE s.source_pos > COALESCE(" + String.format(newestHeld, "s.customer_id") + ", '')) q) v "
            + "WHERE v.kind = 'staged' AND v.op <> 'd' AND (v.p_op IS NULL OR v.p_op = 'd' OR "
            + distinct("v.name", "v.p_name") + " OR " + distinct("v.email", "v.p_email") + " OR "
            + distinct("v.segment", "v.p_segment") + ")",
        "UPDATE " + dimCustomer + " SET valid_to = x.next_from, is_current = CASE WHEN x.next_from IS NULL THEN 1 ELSE 0 END "
            + "FROM (SELECT customer_sk, LEAD(valid_from) OVER (PARTITION BY customer_id ORDER BY _source_pos) AS next_from "
            + "FROM " + dimCustomer + " WHERE customer_id IN (SELECT customer_id FROM " + customer + ")) x "
            + "WHERE " + dimCustomer + ".customer_sk = x.customer_sk AND NOT (" + dimCustomer + ".valid_to IS NOT NULL AND "
            + dimCustomer + ".is_current = 0 AND x.next_from IS NULL)",
        "UPDATE " + dimCustomer + " SET valid_to = s.changed_at, is_current = 0 FROM (SELECT customer_id, op, changed_at, "
            + "source_pos, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY source_pos DESC) AS rn FROM " + customer
            + ") s WHERE " + dimCustomer + ".customer_id = s.customer_id AND s.rn = 1 AND " + dimCustomer
            + ".is_current = 1 AND s.op = 'd' AND s.source_pos > " + dimCustomer + "._source_pos",
        "DELETE FROM " + dimAccount + " WHERE EXISTS (SELECT 1 FROM " + account + " s WHERE s.account_id = " + dimAccount
            + ".account_id AND s.op = 'd' AND s.source_pos > " + dimAccount + "._source_pos)",
        "UPDATE " + dimAccount + " SET customer_id = s.customer_id, type = s.type, balance = s.balance, "
            + "currency = s.currency, status = s.status, updated_at = s.updated_at, _source_pos = s.source_pos FROM "
            + account + " s WHERE " + dimAccount + ".account_id = s.account_id AND s.op <> 'd' AND s.source_pos > "
            + dimAccount + "._source_pos",
        "INSERT INTO " + dimAccount + " (account_id, customer_id, type, balance, currency, status, updated_at, _source_pos) "
            + "SELECT s.account_id, s.customer_id, s.type, s.balance, s.currency, s.status, s.updated_at, s.source_pos FROM "
            + account + " s WHERE s.op <> 'd' AND NOT EXISTS (SELECT 1 FROM " + dimAccount
            + " d WHERE d.account_id = s.account_id)",
        // agg_payments_daily, first half: before the facts change, the days this load touches lose their rows (the
        // staged payments' days and the days their facts hold until now: a payment whose time moved leaves its old
        // day); the second half recomputes every day of the facts that has no row.
        "DELETE FROM " + agg + " WHERE payment_date IN (SELECT CAST(created_at AS DATE) FROM " + payment + ") "
            + "OR payment_date IN (SELECT f.payment_date FROM " + fact + " f JOIN " + payment
            + " s ON s.payment_id = f.payment_id)",
        "DELETE FROM " + fact + " WHERE EXISTS (SELECT 1 FROM " + payment + " s WHERE s.payment_id = " + fact
            + ".payment_id AND s.op = 'd' AND s.source_pos > " + fact + "._source_pos)",
        "UPDATE " + fact + " SET account_id = n.account_id, customer_id = n.customer_id, customer_sk = n.customer_sk, "
            + "amount = n.amount, currency = n.currency, merchant = n.merchant, status = n.status, "
            + "created_at = n.created_at, payment_date = n.payment_date, _source_pos = n.source_pos FROM " + paymentRows
            + " n WHERE " + fact + ".payment_id = n.payment_id AND n.source_pos > " + fact + "._source_pos",
        "INSERT INTO " + fact + " (payment_id, account_id, customer_id, customer_sk, amount, currency, merchant, status, "
            + "created_at, payment_date, _source_pos) SELECT n.payment_id, n.account_id, n.customer_id, n.customer_sk, "
            + "n.amount, n.currency, n.merchant, n.status, n.created_at, n.payment_date, n.source_pos FROM " + paymentRows
            + " n WHERE NOT EXISTS (SELECT 1 FROM " + fact + " f WHERE f.payment_id = n.payment_id)",
        "INSERT INTO " + agg + " (payment_date, segment, currency, payment_count, amount_sum, amount_avg) "
            + "SELECT f.payment_date, COALESCE(c.segment, 'unknown'), f.currency, COUNT_BIG(*), SUM(f.amount), "
            + "ROUND(AVG(f.amount), 2) FROM " + fact + " f LEFT JOIN " + dimCustomer + " c ON c.customer_sk = f.customer_sk "
            + "WHERE f.payment_date NOT IN (SELECT payment_date FROM " + agg + ") "
            + "AND f.currency IS NOT NULL GROUP BY f.payment_date, COALESCE(c.segment, 'unknown'), f.currency");
  }

  @Override
  public String upsertLoadState(String schema) {
    String state = table(schema, "_lakesync_load_state");
    return "MERGE " + state + " AS t USING (SELECT CAST(? AS NVARCHAR(256)) AS source_table, CAST(? AS BIGINT) AS "
        + "last_version) AS s ON t.source_table = s.source_table WHEN MATCHED THEN UPDATE SET last_version = "
        + "s.last_version, loaded_at = SYSUTCDATETIME() WHEN NOT MATCHED THEN INSERT (source_table, last_version, "
        + "loaded_at) VALUES (s.source_table, s.last_version, SYSUTCDATETIME());";
  }
}
