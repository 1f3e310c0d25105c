package dev.lakesync.verify;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/** One text form per value, whichever side read it (JDBC from a database, Spark from Delta), so rows compare. */
final class Values {
  private static final java.util.regex.Pattern TIME =
      java.util.regex.Pattern.compile("(-?)(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");
  private Values() {
  }

  static String of(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof BigDecimal) {
      BigDecimal decimal = ((BigDecimal) value).stripTrailingZeros();
      return decimal.signum() == 0 ? "0" : decimal.toPlainString();
    }
    if (value instanceof Double || value instanceof Float) {
      return of(BigDecimal.valueOf(((Number) value).doubleValue()));
    }
    if (value instanceof Number) {
      return of(new BigDecimal(value.toString()));
    }
    if (value instanceof Timestamp) {
      return ((Timestamp) value).toInstant().toString();
    }
    if (value instanceof OffsetDateTime) {
      return ((OffsetDateTime) value).toInstant().toString();
    }
    if (value instanceof LocalDateTime) {
      // A zoneless datetime (MySQL's DATETIME) travels as its wall-clock time read as UTC, as Debezium sends it.
      return ((LocalDateTime) value).toInstant(ZoneOffset.UTC).toString();
    }
    if (value instanceof java.time.Instant) {
      return value.toString();
    }
    if (value instanceof byte[]) {
      return Base64.getEncoder().encodeToString((byte[]) value);
    }
    if (value instanceof org.postgresql.util.PGInterval) {
      // The ISO 8601 form Debezium sends (its interval.handling.mode=string): every part, seconds without trailing zeros.
      org.postgresql.util.PGInterval interval = (org.postgresql.util.PGInterval) value;
      BigDecimal seconds = BigDecimal.valueOf(interval.getWholeSeconds()).add(BigDecimal.valueOf(interval.getMicroSeconds(), 6));
      return "P" + interval.getYears() + "Y" + interval.getMonths() + "M" + interval.getDays() + "DT" + interval.getHours()
          + "H" + interval.getMinutes() + "M" + seconds.stripTrailingZeros().toPlainString() + "S";
    }
    if (value instanceof java.sql.Array) {
      // A source array (JDBC), compared element by element with the lake's.
      try {
        return elements(java.util.Arrays.asList((Object[]) ((java.sql.Array) value).getArray()));
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot read an array value: " + e.getMessage(), e);
      }
    }
    if (value instanceof scala.collection.Seq) {
      // A lake array (Spark hands a Scala sequence).
      return elements(scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) value));
    }
    return value.toString();
  }

  /** A decimal the lake keeps as text (wider than its decimals), in the form of the source's decimal. */
  static String ofDecimalText(String text) {
    try {
      return of(new BigDecimal(text));
    } catch (NumberFormatException e) {
      return text; // NaN, Infinity: compared as spelled
    }
  }

  /** An amount as PostgreSQL's money prints it ("$1,234.50", "-$3.00", "($3.00)") as the decimal it is. */
  static String ofMoneyText(String text) {
    if (text == null) {
      return of(null);
    }
    boolean negative = text.contains("-") || text.startsWith("(");
    String digits = text.replaceAll("[^0-9.]", "");
    return ofDecimalText(negative ? "-" + digits : digits);
  }

  /**
   * A bit string, from the source as its digits ("0110") or from the lake as the little-endian bytes Debezium makes
   * of it, as the number it spells (leading zeros are not kept in the lake).
   */
  static String ofBits(Object value) {
    if (value == null) {
      return of(null);
    }
    if (value instanceof byte[]) {
      byte[] littleEndian = (byte[]) value;
      byte[] bigEndian = new byte[littleEndian.length];
      for (int i = 0; i < littleEndian.length; i++) {
        bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
      }
      return "bits " + new java.math.BigInteger(1, bigEndian).toString(2);
    }
    String digits = value.toString();
    return digits.matches("[01]+") ? "bits " + new java.math.BigInteger(digits, 2).toString(2)
        : digits.isEmpty() ? "bits 0" : of(value);
  }

  /** A time as text ("[-]H:MM:SS[.ffffff]", MySQL's may pass 24 h) as microseconds, the lake's form of a time. */
  static String ofTimeText(String text) {
    if (text == null) {
      return of(null);
    }
    java.util.regex.Matcher time = TIME.matcher(text);
    if (!time.matches()) {
      return text;
    }
    String fraction = time.group(5) == null ? "0" : (time.group(5) + "00000").substring(0, 6);
    long micros = ((Long.parseLong(time.group(2)) * 60 + Long.parseLong(time.group(3))) * 60 + Long.parseLong(time.group(4)))
        * 1_000_000L + Long.parseLong(fraction);
    return String.valueOf(time.group(1).isEmpty() ? micros : -micros);
  }

  private static String elements(java.util.List<?> elements) {
    java.util.List<String> texts = new java.util.ArrayList<>();
    for (Object element : elements) {
      texts.add(of(element));
    }
    return texts.toString();
  }
}
