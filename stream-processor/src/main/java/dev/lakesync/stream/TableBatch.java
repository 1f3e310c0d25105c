package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.Identifiers;
import dev.lakesync.common.config.RuleConfig;
import dev.lakesync.common.config.TableConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One table's records of a micro-batch, parsed into typed columns with the metadata of contract 3 and a list of
 * reasons for each record that cannot be applied (built-in checks and the table's rules).
 */
final class TableBatch {
  static final String REASONS = "_reasons";
  static final String DROPPED = "_dropped";
  private static final ObjectMapper JSON = new ObjectMapper();

  final TableConfig table;
  final List<ColumnSpec> columns;
  /** Every record: raw fields, typed columns, metadata, {@link #REASONS} and {@link #DROPPED}. */
  final Dataset<Row> rows;

  private TableBatch(TableConfig table, List<ColumnSpec> columns, Dataset<Row> rows) {
    this.table = table;
    this.columns = columns;
    this.rows = rows;
  }

  static TableBatch parse(TableConfig table, Dataset<Row> records) {
    Dataset<Row> withText = records.withColumn("_value_text", col("value").cast("string"));
    List<ColumnSpec> columns = columnsOf(withText);
    if (columns.isEmpty()) {
      // Nothing in this batch carries a readable schema: every record is quarantined as unparseable.
      Dataset<Row> rows = withText.withColumn(REASONS, expr("array('unparseable: not a Debezium JSON event')"))
          .withColumn(DROPPED, lit(false));
      return new TableBatch(table, columns, rows);
    }
    StructType row = new StructType();
    StructType rawRow = new StructType();
    for (ColumnSpec column : columns) {
      row = row.add(column.name, column.wireType, true);
      rawRow = rawRow.add(column.name, DataTypes.StringType, true);
    }
    StructType envelope = new StructType().add("payload", new StructType()
        .add("before", row).add("after", row).add("op", DataTypes.StringType)
        .add("source", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)));
    // The same after-image with every field as text: a field the typed parse leaves null but this one has is a
    // value of the wrong type (one extra parse instead of one JSON lookup per column).
    StructType rawEnvelope = new StructType().add("payload", new StructType().add("after", rawRow));
    Dataset<Row> parsed = withText
        .withColumn("_event", org.apache.spark.sql.functions.from_json(col("_value_text"), envelope))
        .withColumn("_raw", org.apache.spark.sql.functions.from_json(col("_value_text"), rawEnvelope))
        .withColumn("_op", expr("_event.payload.op"))
        .withColumn("_source_ts_ms", expr("cast(_event.payload.source['ts_ms'] as long)"))
        .withColumn("_source_pos", expr(SourcePositionUdf.NAME + "(_event.payload.source)"))
        .withColumn("_ingested_at", expr("current_timestamp()"));
    for (ColumnSpec column : columns) {
      String wire = table.key().contains(column.name)
          ? "coalesce(_event.payload.after." + quote(column.name) + ", _event.payload.before." + quote(column.name) + ")"
          : "_event.payload.after." + quote(column.name);
      parsed = parsed.withColumn(column.name, expr(column.convert(wire)));
    }
    List<String> checks = new ArrayList<>();
    checks.add("CASE WHEN _event.payload IS NULL THEN 'unparseable: not a Debezium JSON event' END");
    checks.add("CASE WHEN _event.payload IS NOT NULL AND (_op IS NULL OR _op NOT IN ('c', 'u', 'd', 'r')) "
        + "THEN concat('unknown op: ', coalesce(_op, 'none')) END");
    checks.add("CASE WHEN _op IN ('c', 'u', 'r') AND _event.payload.after IS NULL THEN 'missing after' END");
    checks.add("CASE WHEN _event.payload IS NOT NULL AND _source_pos IS NULL THEN 'no source position' END");
    for (String key : table.key()) {
      checks.add("CASE WHEN (_op = 'd' OR _event.payload.after IS NOT NULL) AND " + quote(key) + " IS NULL "
          + "THEN 'missing key " + key + "' END");
    }
    for (ColumnSpec column : columns) {
      // from_json leaves a field null when its JSON value has the wrong type; the raw text still has it.
      String wire = "_event.payload.after." + quote(column.name);
      checks.add("CASE WHEN _op IN ('c', 'u', 'r') AND ((" + wire + " IS NULL "
          + "AND _raw.payload.after." + quote(column.name) + " IS NOT NULL) "
          + "OR (" + wire + " IS NOT NULL AND " + quote(column.name) + " IS NULL)) "
          + "THEN 'wrong type for " + column.name + "' END");
    }
    // Rules judge only events that are well formed; a null result counts as a violation.
    List<String> rules = new ArrayList<>();
    List<String> dropRules = new ArrayList<>();
    for (RuleConfig rule : table.rules()) {
      String violated = "_op IN ('c', 'u', 'r') AND coalesce(NOT (" + rule.expression() + "), true)";
      if (rule.action() == RuleConfig.Action.DROP) {
        dropRules.add(violated);
      } else {
        rules.add("CASE WHEN " + violated + " THEN 'rule " + rule.name() + "' END");
      }
    }
    rules.add("CAST(NULL AS STRING)");
    Dataset<Row> rows = parsed
        .withColumn("_checks", expr("filter(array(" + String.join(", ", checks) + "), x -> x IS NOT NULL)"))
        .withColumn(REASONS, expr("CASE WHEN size(_checks) > 0 THEN _checks "
            + "ELSE filter(array(" + String.join(", ", rules) + "), x -> x IS NOT NULL) END"))
        .withColumn(DROPPED, dropRules.isEmpty() ? lit(false) : expr("size(" + REASONS + ") = 0 AND ("
            + String.join(" OR ", dropRules) + ")"));
    return new TableBatch(table, columns, rows);
  }

  /** The union of the columns of every distinct schema in the batch (a column added mid-batch is included). */
  private static List<ColumnSpec> columnsOf(Dataset<Row> records) {
    // cdc-connector writes {"schema":...,"payload":...}: the text before "payload" is the schema, read without a
    // JSON parse per record; distinct keeps one copy of each schema version.
    List<Row> schemas = records.select(expr("CASE WHEN startswith(_value_text, '{\"schema\":') "
        + "THEN substring(substring_index(_value_text, ',\"payload\":', 1), 11) END")).distinct().limit(20).collectAsList();
    Map<String, ColumnSpec> columns = new LinkedHashMap<>();
    for (Row schema : schemas) {
      if (schema.isNullAt(0)) {
        continue;
      }
      try {
        JsonNode node = JSON.readTree(schema.getString(0));
        for (ColumnSpec column : ColumnSpec.fromEnvelopeSchema(node)) {
          Identifiers.requireValid(column.name);
          columns.putIfAbsent(column.name, column);
        }
      } catch (IOException | IllegalArgumentException e) {
        // a schema we cannot read: its records fail the checks above and are quarantined with a reason
      }
    }
    return new ArrayList<>(columns.values());
  }

  /** The same batch over rows that have been persisted, so that its records are parsed once. */
  static final class Parsed {
    private final TableBatch batch;

    Parsed(TableBatch parsed, Dataset<Row> persisted) {
      this.batch = new TableBatch(parsed.table, parsed.columns, persisted);
    }

    TableBatch batch() {
      return batch;
    }
  }

  static String quote(String name) {
    return "`" + Identifiers.requireValid(name) + "`";
  }
}
