package dev.lakesync.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One source column as the validated table holds it, read from the Debezium schema that travels with each event:
 * the Spark SQL that turns the column's JSON text (a string's content, any other value's JSON) into its real type.
 * Conversions use try_cast, so a value of the wrong type becomes null, which the processor reports.
 */
final class ColumnSpec {
  /** The column's name in the events' JSON. */
  final String wire;
  /** The column's name in the source ({@link #sourceName}). */
  final String source;
  /** The column's name in the validated table ({@link dev.lakesync.common.LakeColumnNames}). */
  final String name;
  final boolean optional;
  /** Spark SQL converting {@code %s} (the JSON text) to the column's type. */
  private final String conversion;
  /** Text or bytes as the source stores them: a value the source may leave out of an update (TOAST). */
  final boolean text;
  /** The Spark SQL type the conversion yields, e.g. INT or DECIMAL(14,2). */
  final String sqlType;

  private ColumnSpec(String name, boolean optional, String conversion, boolean text, String sqlType) {
    this(name, sourceName(name), sourceName(name), optional, conversion, text, sqlType);
  }

  private ColumnSpec(String wire, String source, String name, boolean optional, String conversion, boolean text,
      String sqlType) {
    this.wire = wire;
    this.source = source;
    this.name = name;
    this.optional = optional;
    this.conversion = conversion;
    this.text = text;
    this.sqlType = sqlType;
  }

  /** The same column under its lake name. */
  ColumnSpec named(String lakeName) {
    return new ColumnSpec(wire, source, lakeName, optional, conversion, text, sqlType);
  }

  /**
   * The source's name of a column named {@code wire} in an event. Debezium's PostgreSQL decoder (pgoutput) reads a
   * name's UTF-8 bytes as one char each, sign-extended: a byte of 0x80 or more arrives as a char of U+FF80 or more.
   * A name made only of ASCII and such chars is decoded back; any other name is the source's as it is.
   */
  static String sourceName(String wire) {
    byte[] bytes = new byte[wire.length()];
    boolean mangled = false;
    for (int i = 0; i < wire.length(); i++) {
      char c = wire.charAt(i);
      if (c >= 0xFF80) {
        mangled = true;
      } else if (c >= 0x80) {
        return wire;
      }
      bytes[i] = (byte) c;
    }
    if (!mangled) {
      return wire;
    }
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return wire;
    }
  }

  /** Spark holds decimals of at most 38 digits. */
  private static final int MAX_DECIMAL_PRECISION = 38;

  /**
   * A PostgreSQL interval's ISO text with its seconds rounded to the microsecond, the type's precision: Debezium's
   * PostgreSQL connector takes the seconds through a double, so 1.003969 may arrive as 1.0039690000000001.
   */
  private static final String MICROSECOND_INTERVAL = "CASE WHEN %s RLIKE '[.][0-9]{7,}S$' THEN concat("
      + "regexp_extract(%s, '^(.*M)-?[0-9.]+S$', 1), regexp_replace(CAST(round(CAST(regexp_extract(%s, "
      + "'M(-?[0-9.]+)S$', 1) AS DECIMAL(38, 18)), 6) AS STRING), '[.]?0+$', ''), 'S') ELSE %s END";

  /** Source types whose values are bytes; any other type sent as bytes is one Debezium does not know. */
  private static final java.util.Set<String> BINARY_SOURCE_TYPES = java.util.Set.of("BYTEA", "BIT", "VARBIT", "BINARY",
      "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB", "IMAGE", "RAW", "LONG RAW", "ROWVERSION", "TIMESTAMP",
      "GEOMETRY", "GEOGRAPHY", "HIERARCHYID", "UDT", "BFILE");

  /** Spark SQL element types of arrays of plain Debezium types. */
  private static final java.util.Map<String, String> ELEMENT_TYPES = java.util.Map.of("boolean", "BOOLEAN",
      "int8", "INT", "int16", "INT", "int32", "INT", "int64", "BIGINT", "float32", "FLOAT", "float64", "DOUBLE",
      "string", "STRING");

  String convert(String jsonTextExpression) {
    return conversion.replace("%s", jsonTextExpression);
  }

  /**
   * The conversion to {@code tableType} (the validated table's column type, Spark SQL, null when the table has no
   * such column yet): when the event's type differs (the source column changed type), its value is cast to the
   * table's, and one that does not fit becomes null, which the processor reports as a wrong type.
   */
  String convert(String jsonTextExpression, String tableType) {
    if (sqlType.equals("BINARY") && "STRING".equals(tableType)) {
      return jsonTextExpression; // a table from when bytes travelled as base64 text keeps that text
    }
    return differsFrom(tableType) ? "try_cast((" + convert(jsonTextExpression) + ") AS " + tableType + ")"
        : convert(jsonTextExpression);
  }

  boolean differsFrom(String tableType) {
    return tableType != null && !normalize(tableType).equals(normalize(sqlType));
  }

  private static String normalize(String type) {
    return type.replace(" ", "").toUpperCase(Locale.ROOT);
  }

  /** The columns of the {@code after} struct of a Debezium envelope schema. */
  static List<ColumnSpec> fromEnvelopeSchema(JsonNode envelopeSchema) {
    for (JsonNode part : envelopeSchema.path("fields")) {
      if (part.path("field").asText().equals("after")) {
        List<ColumnSpec> columns = new ArrayList<>();
        for (JsonNode field : part.path("fields")) {
          columns.add(of(field));
        }
        return columns;
      }
    }
    throw new IllegalArgumentException("the event schema has no 'after' struct");
  }

  static ColumnSpec of(JsonNode field) {
    String name = field.path("field").asText();
    String type = field.path("type").asText();
    String semantic = field.path("name").asText("");
    boolean optional = field.path("optional").asBoolean(true);
    JsonNode parameters = field.path("parameters");
    String sourceType = parameters.path("__debezium.source.column.type").asText("").toUpperCase(Locale.ROOT);
    switch (semantic) {
      case "io.debezium.time.Date":
        return new ColumnSpec(name, optional, "date_add(DATE'1970-01-01', try_cast(%s AS INT))", false, "DATE");
      case "io.debezium.time.MicroTimestamp":
        return new ColumnSpec(name, optional, "timestamp_micros(try_cast(%s AS BIGINT))", false, "TIMESTAMP");
      case "io.debezium.time.Timestamp":
        return new ColumnSpec(name, optional, "timestamp_millis(try_cast(%s AS BIGINT))", false, "TIMESTAMP");
      case "io.debezium.time.ZonedTimestamp":
        return new ColumnSpec(name, optional, "try_cast(%s AS TIMESTAMP)", false, "TIMESTAMP");
      case "io.debezium.time.Interval":
        if (sourceType.equals("INTERVAL")) {
          return new ColumnSpec(name, optional, MICROSECOND_INTERVAL, false, "STRING");
        }
        break;
      default:
        break;
    }
    switch (type) {
      case "boolean":
        return new ColumnSpec(name, optional, "CASE WHEN %s IN ('true', 'false') THEN %s = 'true' END", false, "BOOLEAN");
      case "int8":
      case "int16":
      case "int32":
        return new ColumnSpec(name, optional, "try_cast(%s AS INT)", false, "INT");
      case "int64":
        return new ColumnSpec(name, optional, "try_cast(%s AS BIGINT)", false, "BIGINT");
      case "float":
      case "float32":
        return new ColumnSpec(name, optional, "try_cast(%s AS FLOAT)", false, "FLOAT");
      case "double":
      case "float64":
        return new ColumnSpec(name, optional, "try_cast(%s AS DOUBLE)", false, "DOUBLE");
      case "bytes":
        if (!sourceType.isEmpty() && !BINARY_SOURCE_TYPES.contains(sourceType)) {
          // A type Debezium does not know (a PostgreSQL composite type): the bytes of its text form.
          return new ColumnSpec(name, optional, "decode(unbase64(%s), 'UTF-8')", true, "STRING");
        }
        return new ColumnSpec(name, optional, "unbase64(%s)", true, "BINARY");
      case "string":
        int precision = parameters.path("__debezium.source.column.length").asInt(0);
        if ((sourceType.equals("NUMERIC") || sourceType.equals("DECIMAL")) && parameters.has("__debezium.source.column.scale")
            && precision > 0 && precision <= MAX_DECIMAL_PRECISION) {
          int scale = parameters.path("__debezium.source.column.scale").asInt(0);
          return new ColumnSpec(name, optional, "try_cast(%s AS DECIMAL(" + precision + ", " + scale + "))", false,
              "DECIMAL(" + precision + "," + scale + ")");
        }
        if (sourceType.equals("MONEY")) {
          // PostgreSQL's money: a 64-bit count of hundredths, sent as decimal text (sometimes with an exponent).
          return new ColumnSpec(name, optional, "try_cast(%s AS DECIMAL(19, 2))", false, "DECIMAL(19,2)");
        }
        // Text, and decimals Spark cannot hold (more than 38 digits, or no declared precision) as their exact text.
        return new ColumnSpec(name, optional, "%s", true, "STRING");
      case "array":
        String element = ELEMENT_TYPES.get(field.path("items").path("type").asText());
        if (element != null && field.path("items").path("name").isMissingNode()) {
          return new ColumnSpec(name, optional, "from_json(%s, 'ARRAY<" + element + ">')", false, "ARRAY<" + element + ">");
        }
        String items = field.path("items").path("name").asText("");
        if (items.equals("io.debezium.time.Date")) {
          return new ColumnSpec(name, optional, "transform(from_json(%s, 'ARRAY<INT>'), d -> date_add(DATE'1970-01-01', d))",
              false, "ARRAY<DATE>");
        }
        if (items.equals("io.debezium.time.MicroTimestamp")) {
          return new ColumnSpec(name, optional, "transform(from_json(%s, 'ARRAY<BIGINT>'), t -> timestamp_micros(t))",
              false, "ARRAY<TIMESTAMP>");
        }
        if (items.equals("io.debezium.time.ZonedTimestamp")) {
          return new ColumnSpec(name, optional, "transform(from_json(%s, 'ARRAY<STRING>'), t -> CAST(t AS TIMESTAMP))",
              false, "ARRAY<TIMESTAMP>");
        }
        // An array of values that have another logical type of their own (decimals, structs): its JSON text.
        return new ColumnSpec(name, optional, "%s", false, "STRING");
      case "struct":
      case "map":
        // Composite types, geometries, ranges: the value's JSON text, which keeps every part of it.
        return new ColumnSpec(name, optional, "%s", false, "STRING");
      default:
        throw new IllegalArgumentException("column " + name + " has a type the processor does not read yet: " + type
            + (semantic.isEmpty() ? "" : " (" + semantic + ")"));
    }
  }
}
