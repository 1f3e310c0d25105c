package dev.lakesync.warehouse;

import java.util.List;

/**
 * The three staging tables a load fills before its set-based statements run: each source table's changes in the
 * load's range, with the op and source position of each. Column types are logical; dialects map them.
 */
enum StagedTable {
  CUSTOMER("stg_customer", "bank", "customers", true, List.of(
      col("customer_id", "id", Type.BIGINT), col("name", "name", Type.TEXT), col("email", "email", Type.TEXT),
      col("segment", "segment", Type.TEXT), col("created_at", "created_at", Type.TIMESTAMP))),
  ACCOUNT("stg_account", "bank", "accounts", false, List.of(
      col("account_id", "id", Type.BIGINT), col("customer_id", "customer_id", Type.BIGINT), col("type", "type", Type.TEXT),
      col("balance", "balance", Type.MONEY), col("currency", "currency", Type.TEXT), col("status", "status", Type.TEXT),
      col("updated_at", "updated_at", Type.TIMESTAMP))),
  PAYMENT("stg_payment", "bank", "payments", false, List.of(
      col("payment_id", "id", Type.BIGINT), col("account_id", "account_id", Type.BIGINT), col("amount", "amount", Type.MONEY),
      col("currency", "currency", Type.TEXT), col("merchant", "merchant", Type.TEXT), col("status", "status", Type.TEXT),
      col("created_at", "created_at", Type.TIMESTAMP)));

  /** Logical column types. */
  enum Type { BIGINT, TEXT, TIMESTAMP, MONEY, OP, POSITION }

  /** A staged column and the validated table's column it comes from (null for the metadata columns). */
  static final class Column {
    final String name;
    final String source;
    final Type type;

    Column(String name, String source, Type type) {
      this.name = name;
      this.source = source;
      this.type = type;
    }
  }

  /**
   * When the change happened: staged only for the customers, whose versions start and end then. The facts and the
   * type 1 dimension never read it, and a million payments staged it for nothing (formatted, sent, parsed).
   */
  static final Column CHANGED_AT = new Column("changed_at", null, Type.TIMESTAMP);
  /** Every staging table ends with these: the change's op (c, u, r, d) and its source position. */
  static final List<Column> CHANGE = List.of(new Column("op", null, Type.OP), new Column("source_pos", null, Type.POSITION));

  final String table;
  final String sourceSchema;
  final String sourceTable;
  /** Whether {@link #CHANGED_AT} is staged. */
  final boolean stagesChangeTime;
  private final List<Column> data;

  StagedTable(String table, String sourceSchema, String sourceTable, boolean stagesChangeTime, List<Column> data) {
    this.table = table;
    this.sourceSchema = sourceSchema;
    this.sourceTable = sourceTable;
    this.stagesChangeTime = stagesChangeTime;
    this.data = data;
  }

  /** schema.table of the validated table it stages. */
  String source() {
    return sourceSchema + "." + sourceTable;
  }

  List<Column> dataColumns() {
    return data;
  }

  List<Column> columns() {
    List<Column> all = new java.util.ArrayList<>(data);
    if (stagesChangeTime) {
      all.add(CHANGED_AT);
    }
    all.addAll(CHANGE);
    return all;
  }

  private static Column col(String name, String source, Type type) {
    return new Column(name, source, type);
  }
}
