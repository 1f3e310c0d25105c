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
  final String name;
  final boolean optional;
  /** Spark SQL converting {@code %s} (the JSON text) to the column's type. */
  private final String conversion;
  final boolean text;
  /** The Spark SQL type the conversion yields, e.g. INT or DECIMAL(14,2). */
  final String sqlType;

  private ColumnSpec(String name, boolean optional, String conversion, boolean text, String sqlType) {
    this.name = name;
    this.optional = optional;
    this.conversion = conversion;
    this.text = text;
    this.sqlType = sqlType;
  }

  String convert(String jsonTextExpression) {
    return conversion.replace("%s", jsonTextExpression);
  }

  /**
   * The conversion to {@code tableType} (the validated table's column type, Spark SQL, null when the table has no
   * such column yet): when the event's type differs (the source column changed type), its value is cast to the
   * table's, and one that does not fit becomes null, which the processor reports as a wrong type.
   */
  String convert(String jsonTextExpression, String tableType) {
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
        return new ColumnSpec(name, optional, "unbase64(%s)", false, "BINARY");
      case "string":
        if ((sourceType.equals("NUMERIC") || sourceType.equals("DECIMAL")) && parameters.has("__debezium.source.column.scale")) {
          int precision = Math.min(38, parameters.path("__debezium.source.column.length").asInt(38));
          int scale = parameters.path("__debezium.source.column.scale").asInt(0);
          return new ColumnSpec(name, optional, "try_cast(%s AS DECIMAL(" + precision + ", " + scale + "))", false,
              "DECIMAL(" + precision + "," + scale + ")");
        }
        return new ColumnSpec(name, optional, "%s", true, "STRING");
      default:
        throw new IllegalArgumentException("column " + name + " has a type the processor does not read yet: " + type
            + (semantic.isEmpty() ? "" : " (" + semantic + ")"));
    }
  }
}
