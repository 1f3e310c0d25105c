package dev.lakesync.warehouse;

import dev.lakesync.warehouse.model.ResolvedModel;
import dev.lakesync.warehouse.model.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A warehouse: the SQL that differs ({@link SqlDialect}) and how a load's staging tables are made and filled. Every
 * statement is built from validated, quoted identifiers; values only ever travel through staging (COPY, COPY INTO,
 * JDBC batches), never pasted into SQL.
 */
interface WarehouseDialect extends SqlDialect {
  /** Creates the warehouse schema and the load-state table when missing. */
  List<String> createStatements(String schema);

  /**
   * Takes the load's lock, before the load state is read, so that two loads of one warehouse schema never run at
   * once; released when the connection closes. A load that cannot take it fails with a clear message.
   */
  default void lock(Connection connection) throws SQLException {
  }

  /** Releases {@link #lock} before the connection closes, where closing does not. */
  default void unlock(Connection connection) {
  }

  /**
   * Whether staging tables are made, filled and dropped inside the load's transaction; if not (the dedicated SQL pool
   * runs no DDL in a user transaction), that happens before it, under the load's lock, and {@link #cleanUp} after.
   */
  default boolean ddlInTransaction() {
    return true;
  }

  /** Before the load's transaction (auto-commit): readies staging tables that other connections fill. */
  default void prepareStaging(Connection connection, List<ResolvedModel> staged) throws SQLException {
  }

  /** After the load, committed or not (auto-commit): removes what staging left. Never throws. */
  default void cleanUp(Connection connection, List<ResolvedModel> staged) {
  }

  /** After a committed load, for each table it changed: statements that refresh the optimizer's statistics. */
  default List<String> updateStatistics(String qualifiedTable) {
    return List.of();
  }

  /** Creates the load's staging tables, in its transaction. */
  List<String> createStaging(List<ResolvedModel> staged);

  /** The name by which statements refer to a model's staging table. */
  String staging(ResolvedModel model);

  /** Fills a model's staging table with {@code rows} (in {@link ResolvedModel#staged()} order); returns how many. */
  long stage(Connection connection, ResolvedModel model, Dataset<Row> rows) throws SQLException;

  /** Whether {@link #stage} may run for several models at once (it then uses the load's connection only briefly). */
  default boolean stagesConcurrently() {
    return false;
  }

  /** Reads the last loaded version per model: columns model, last_version. */
  default String selectLoadState(String schema) {
    return "SELECT model, last_version FROM " + table(schema, "_lakesync_model_state");
  }

  /** Records the version loaded for one model (parameters: model, source, last_version). */
  String upsertLoadState(String schema);
}
