package dev.lakesync.warehouse.model;

import java.util.List;

/**
 * The SQL that differs between warehouses, as far as rendering models needs it: quoting, types, literals, table
 * storage and temporary tables. Every method returns text built from validated, quoted identifiers only.
 */
public interface SqlDialect {
  /** How a model table is stored (distribution and index on the dedicated SQL pool). */
  enum Storage { DIMENSION, FACT, AGGREGATE, STATE }

  String quote(String identifier);

  /** schema.name, both quoted. */
  default String table(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  /** The column type for a logical type. */
  String type(ColumnType type);

  /** The type of a source position column. */
  String positionType();

  /** A boolean literal (a BIT on T-SQL). */
  String bool(boolean value);

  /** A column definition's type for a surrogate key the warehouse numbers. */
  String identity();

  /** count(*) returning a bigint. */
  String countAll();

  /** count(expression) returning a bigint. */
  String count(String expression);

  /** CREATE TABLE when missing; {@code primaryKey} may be empty, {@code keyName} names its constraint. */
  String createTable(String schema, String name, List<String> columns, List<String> primaryKey, String keyName,
      Storage storage);

  /** Adds a column to a table when it has none of that name ({@code definition} is "quoted-name type"). */
  String addColumn(String schema, String table, String column, String definition);

  /** Statements that add an index when missing (none where the warehouse has no such index). */
  List<String> createIndex(String schema, String table, String indexName, List<String> columns);

  /** Statements that refresh a table's statistics after a load changed it. */
  List<String> analyze(String table);

  /** Creates a temporary table of the load's session from a query. */
  String createTemporary(String name, String query);

  /** How statements refer to a temporary table. */
  String temporary(String name);

  String dropTemporary(String name);

  /** Whether a first load into an empty table drops its key first and builds it once after the rows. */
  boolean rebuildsKeyAfterBulkInsert();
}
