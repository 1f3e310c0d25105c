package dev.lakesync.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One source column as the validated table holds it, read from the Debezium schema that travels with each event:
 * the type its value has in the JSON ({@link #wireType}) and the SQL that turns it into the column's real type.
 */
final class ColumnSpec {
  final String name;
  final DataType wireType;
  final boolean optional;
  /** Spark SQL converting {@code %s} (the wire value) to the column's type. */
  private final String conversion;
  final boolean text;

  private ColumnSpec(String name, DataType wireType, boolean optional, String conversion, boolean text) {
    this.name = name;
    this.wireType = wireType;
    this.optional = optional;
    this.conversion = conversion;
    this.text = text;
  }

  String convert(String wireExpression) {
    return String.format(Locale.ROOT, conversion, wireExpression);
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
        return new ColumnSpec(name, DataTypes.IntegerType, optional, "date_add(DATE'1970-01-01', %s)", false);
      case "io.debezium.time.MicroTimestamp":
        return new ColumnSpec(name, DataTypes.LongType, optional, "timestamp_micros(%s)", false);
      case "io.debezium.time.Timestamp":
        return new ColumnSpec(name, DataTypes.LongType, optional, "timestamp_millis(%s)", false);
      case "io.debezium.time.ZonedTimestamp":
        return new ColumnSpec(name, DataTypes.StringType, optional, "to_timestamp(%s)", false);
      default:
        break;
    }
    switch (type) {
      case "boolean":
        return new ColumnSpec(name, DataTypes.BooleanType, optional, "%s", false);
      case "int8":
      case "int16":
      case "int32":
        return new ColumnSpec(name, DataTypes.IntegerType, optional, "%s", false);
      case "int64":
        return new ColumnSpec(name, DataTypes.LongType, optional, "%s", false);
      case "float":
      case "float32":
        return new ColumnSpec(name, DataTypes.FloatType, optional, "%s", false);
      case "double":
      case "float64":
        return new ColumnSpec(name, DataTypes.DoubleType, optional, "%s", false);
      case "bytes":
        return new ColumnSpec(name, DataTypes.StringType, optional, "unbase64(%s)", false);
      case "string":
        if ((sourceType.equals("NUMERIC") || sourceType.equals("DECIMAL")) && parameters.has("__debezium.source.column.scale")) {
          int precision = Math.min(38, parameters.path("__debezium.source.column.length").asInt(38));
          int scale = parameters.path("__debezium.source.column.scale").asInt(0);
          return new ColumnSpec(name, DataTypes.StringType, optional,
              "cast(%s as decimal(" + precision + ", " + scale + "))", false);
        }
        return new ColumnSpec(name, DataTypes.StringType, optional, "%s", true);
      default:
        throw new IllegalArgumentException("column " + name + " has a type the processor does not read yet: " + type
            + (semantic.isEmpty() ? "" : " (" + semantic + ")"));
    }
  }
}
