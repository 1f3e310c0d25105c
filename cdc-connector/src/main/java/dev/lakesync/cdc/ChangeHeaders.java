package dev.lakesync.cdc;

/** Names of the Kafka headers lakesync puts on every change event, and markers inside values. */
public final class ChangeHeaders {
  /** schema.table of the source row, or {@link #TRANSACTION_TABLE} for BEGIN/END markers. */
  public static final String TABLE = "lakesync.table";
  /** Debezium's op: c, u, d, r (snapshot read), t (truncate); BEGIN or END for transaction markers. */
  public static final String OP = "lakesync.op";
  public static final String TRANSACTION_TABLE = "_transaction";
  /** On a marker that replaces a change too large for the broker: its size and the file that keeps it. */
  public static final String OVERSIZED = "lakesync.oversized";
  /** What an unchanged PostgreSQL TOAST column carries instead of its value. */
  public static final String UNCHANGED_TOAST = "__lakesync_unchanged_toast";

  private ChangeHeaders() {
  }
}
