package dev.lakesync.warehouse.model;

import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * A warehouse column's logical type, derived from the lake column's Spark type; each dialect maps it to its own SQL
 * type. Decimals keep their precision and scale (Spark's limit, 38, is also the dedicated SQL pool's).
 */
public final class ColumnType {
  /** Logical kinds. */
  public enum Kind { BOOLEAN, SMALLINT, INT, BIGINT, REAL, DOUBLE, DECIMAL, TEXT, DATE, TIMESTAMP, BINARY }

  public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0, 0);
  public static final ColumnType TEXT = new ColumnType(Kind.TEXT, 0, 0);
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);

  private final Kind kind;
  private final int precision;
  private final int scale;

  private ColumnType(Kind kind, int precision, int scale) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
  }

  public static ColumnType of(Kind kind) {
    if (kind == Kind.DECIMAL) {
      throw new IllegalArgumentException("a decimal needs its precision and scale");
    }
    return new ColumnType(kind, 0, 0);
  }

  public static ColumnType decimal(int precision, int scale) {
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new IllegalArgumentException("decimal(" + precision + "," + scale + ") is outside 1..38 digits");
    }
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /** The type a Spark column is loaded as, or empty when the warehouse cannot hold it (arrays, maps, structs). */
  public static Optional<ColumnType> of(DataType type) {
    if (type instanceof BooleanType) {
      return Optional.of(of(Kind.BOOLEAN));
    } else if (type instanceof ByteType || type instanceof ShortType) {
      return Optional.of(of(Kind.SMALLINT));
    } else if (type instanceof IntegerType) {
      return Optional.of(of(Kind.INT));
    } else if (type instanceof LongType) {
      return Optional.of(BIGINT);
    } else if (type instanceof FloatType) {
      return Optional.of(of(Kind.REAL));
    } else if (type instanceof DoubleType) {
      return Optional.of(DOUBLE);
    } else if (type instanceof DecimalType) {
      DecimalType decimal = (DecimalType) type;
      return Optional.of(decimal(decimal.precision(), decimal.scale()));
    } else if (type instanceof StringType) {
      return Optional.of(TEXT);
    } else if (type instanceof DateType) {
      return Optional.of(of(Kind.DATE));
    } else if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      return Optional.of(TIMESTAMP);
    } else if (type instanceof BinaryType) {
      return Optional.of(of(Kind.BINARY));
    }
    return Optional.empty();
  }

  public Kind kind() {
    return kind;
  }

  public int precision() {
    return precision;
  }

  public int scale() {
    return scale;
  }

  public boolean isIntegral() {
    return kind == Kind.SMALLINT || kind == Kind.INT || kind == Kind.BIGINT;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ColumnType && ((ColumnType) other).kind == kind && ((ColumnType) other).precision == precision
        && ((ColumnType) other).scale == scale;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, precision, scale);
  }

  @Override
  public String toString() {
    return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
