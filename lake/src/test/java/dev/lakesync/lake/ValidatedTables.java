package dev.lakesync.lake;

import dev.lakesync.common.LakePaths;
import io.delta.tables.DeltaTable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Validated Delta tables of the demo bank for other stages' tests, written the way the stream-processor writes them: MERGE by key, the
 * newest source position wins, deletes become tombstones (_op = 'd'), Change Data Feed on.
 */
public final class ValidatedTables {
  private static final StructType CUSTOMER = new StructType().add("id", DataTypes.LongType).add("name", DataTypes.StringType)
      .add("email", DataTypes.StringType).add("segment", DataTypes.StringType).add("created_at", DataTypes.TimestampType)
      .add("updated_at", DataTypes.TimestampType);
  private static final StructType ACCOUNT = new StructType().add("id", DataTypes.LongType)
      .add("customer_id", DataTypes.LongType).add("type", DataTypes.StringType)
      .add("balance", DataTypes.createDecimalType(14, 2)).add("currency", DataTypes.StringType)
      .add("status", DataTypes.StringType).add("updated_at", DataTypes.TimestampType);
  private static final StructType PAYMENT = new StructType().add("id", DataTypes.LongType)
      .add("account_id", DataTypes.LongType).add("amount", DataTypes.createDecimalType(14, 2))
      .add("currency", DataTypes.StringType).add("merchant", DataTypes.StringType).add("status", DataTypes.StringType)
      .add("created_at", DataTypes.TimestampType);
  public static final String T0 = "2026-11-01T09:00:00Z";

  private final SparkSession spark;
  private final LakePaths paths;
  private long position = 1000;

  public ValidatedTables(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  public void customers(String op, String at, Row... rows) {
    apply("customers", CUSTOMER, op, at, rows);
  }

  public void accounts(String op, String at, Row... rows) {
    apply("accounts", ACCOUNT, op, at, rows);
  }

  public void payments(String op, String at, Row... rows) {
    apply("payments", PAYMENT, op, at, rows);
  }

  /** MERGEs rows into a validated table as the stream-processor does: newest position wins, deletes are tombstones. */
  private void apply(String table, StructType schema, String op, String at, Row... rows) {
    StructType withMetadata = schema.add("_op", DataTypes.StringType).add("_source_ts_ms", DataTypes.LongType)
        .add("_source_pos", DataTypes.StringType).add("_ingested_at", DataTypes.TimestampType);
    List<Row> full = new ArrayList<>();
    for (Row row : rows) {
      Object[] values = new Object[row.length() + 4];
      for (int i = 0; i < row.length(); i++) {
        values[i] = row.get(i);
      }
      values[row.length()] = op;
      values[row.length() + 1] = Instant.parse(at).toEpochMilli();
      values[row.length() + 2] = String.format("%020d/%020d", position, position++);
      values[row.length() + 3] = new Timestamp(System.currentTimeMillis());
      full.add(RowFactory.create(values));
    }
    Dataset<Row> changes = spark.createDataFrame(full, withMetadata);
    String path = paths.validated("bank", table);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      changes.limit(0).write().format("delta").save(path);
    }
    DeltaTable.forPath(spark, path).as("t").merge(changes.as("s"), "t.id = s.id")
        .whenMatched("s._source_pos > t._source_pos").updateAll().whenNotMatched().insertAll().execute();
  }

  /** Adds a column to a validated table, as the stream-processor does when its source table gained one. */
  public void addColumn(String table, String column, String sqlType) {
    spark.sql("ALTER TABLE delta.`" + paths.validated("bank", table) + "` ADD COLUMNS (`" + column + "` " + sqlType
        + ")");
  }

  /** Sets one column of one row as an update from the source would: the next position, {@code _op} 'u'. */
  public void set(String table, long id, String column, String sqlValue, String at) {
    spark.sql("UPDATE delta.`" + paths.validated("bank", table) + "` SET `" + column + "` = " + sqlValue
        + ", _op = 'u', _source_ts_ms = " + Instant.parse(at).toEpochMilli() + ", _source_pos = '"
        + String.format("%020d/%020d", position, position++) + "' WHERE id = " + id);
  }

  public static Row customer(long id, String name, String email, String segment) {
    return RowFactory.create(id, name, email, segment, ts(T0), ts(T0));
  }

  public static Row account(long id, long customer, String balance) {
    return RowFactory.create(id, customer, "checking", new BigDecimal(balance), "EUR", "open", ts(T0));
  }

  public static Row payment(long id, long account, String amount, String currency, String at) {
    return RowFactory.create(id, account, new BigDecimal(amount), currency, "Shop", "booked", ts(at));
  }

  public static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

}
