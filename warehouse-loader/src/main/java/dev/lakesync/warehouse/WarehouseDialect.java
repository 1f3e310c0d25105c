package dev.lakesync.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What differs between warehouses: quoting, DDL, how staging tables are filled, and the set-based statements that
 * apply them to the dimensions and facts. Every statement is built from validated, quoted identifiers; values only
 * ever travel through staging (COPY, COPY INTO, JDBC batches), never pasted into SQL.
 */
interface WarehouseDialect {
  String quote(String identifier);

  /** schema.name, both quoted. */
  default String table(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /** Creates the schema, the model's tables and the load-state table when missing. */
  List<String> createStatements(String schema);

  /**
   * Takes the load's lock, before the load state is read, so that two loads of one warehouse schema never run at
   * once; released when the connection closes. A load that cannot take it fails with a clear message.
   */
  default void lock(Connection connection) throws SQLException {
  }

  /** Before the load's transaction (auto-commit): readies staging tables that other connections fill. */
  default void prepareStaging(Connection connection) throws SQLException {
  }

  /** Creates the load's staging tables, in its transaction. */
  List<String> createStaging();

  /** The name by which statements refer to a staging table. */
  String staging(StagedTable table);

  /** Fills a staging table with {@code rows} (in {@link StagedTable#columns()} order); returns how many. */
  long stage(Connection connection, StagedTable table, Dataset<Row> rows) throws SQLException;

  /** Whether {@link #stage} may run for several tables at once (it then uses the load's connection only briefly). */
  default boolean stagesConcurrently() {
    return false;
  }

  /**
   * The statements that apply the staging tables to the model, in order, in the load's transaction.
   * {@code factsEmpty}: the fact table holds no row yet (a first load), so a dialect may fill it in bulk.
   */
  List<String> applyStatements(String schema, boolean factsEmpty);

  /** One row, one column: 1 when the fact table holds a row, else 0. */
  default String selectFactsPresent(String schema) {
    return "SELECT CASE WHEN EXISTS (SELECT 1 FROM " + table(schema, "fact_payment") + ") THEN 1 ELSE 0 END";
  }

  /** Reads the last loaded version per source table: columns source_table, last_version. */
  default String selectLoadState(String schema) {
    return "SELECT source_table, last_version FROM " + table(schema, "_lakesync_load_state");
  }

  /** Records the version loaded for one source table (parameters: source_table, last_version). */
  String upsertLoadState(String schema);
}
