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
 * One table's records of a micro-batch, parsed into typed columns with the metadata columns and a list of
 * reasons for each record that cannot be applied (built-in checks and the table's rules).
 */
final class TableBatch implements AutoCloseable {
  static final String REASONS = "_reasons";
  static final String DROPPED = "_dropped";
  /** The name of the first {@code fail} rule a well-formed event breaks, or null. */
  static final String FAILED_RULE = "_failed_rule";
  /** Ops that carry a row (the others: d delete, t truncate). */
  private static final String ROW_OPS = "('c', 'u', 'r')";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The after-image's value of {@code column} as JSON text. Column names are validated identifiers. */
  private static String after(String column) {
    return "_event.after." + quote(column);
  }

  final TableConfig table;
  final List<ColumnSpec> columns;
  /**
   * Every record: topic, partition and offset (which identify it in the batch), typed columns, metadata,
   * {@link #REASONS}, {@link #DROPPED} and {@link #FAILED_RULE}.
   */
  final Dataset<Row> rows;

  /** The cached parse under {@link #rows}, released by {@link #close}; null when nothing was parsed. */
  private final Dataset<Row> cached;

  private TableBatch(TableConfig table, List<ColumnSpec> columns, Dataset<Row> rows, Dataset<Row> cached) {
    this.table = table;
    this.columns = columns;
    this.rows = rows;
    this.cached = cached;
  }

  @Override
  public void close() {
    rows.unpersist();
    if (cached != null) {
      cached.unpersist();
    }
  }

  /**
   * Parses a table's {@code records}, whose distinct event schemas are {@code schemas} (see {@link BatchShape}), into
   * the types of {@code tableTypes} (the validated table's columns as Spark SQL types; empty before it exists).
   */
  static TableBatch parse(TableConfig table, Dataset<Row> records, List<String> schemas, Map<String, String> tableTypes) {
    List<ColumnSpec> columns = columnsOf(schemas);
    if (columns.isEmpty()) {
      // Nothing in this batch carries a readable schema: every record is quarantined as unparseable.
      Dataset<Row> rows = records.withColumn(REASONS, expr("array('unparseable: not a Debezium JSON event')"))
          .withColumn(DROPPED, lit(false)).withColumn(FAILED_RULE, lit(null).cast("string"));
      return new TableBatch(table, columns, rows, null);
    }
    // Row images are read as structs of JSON text, one field per column the batch's schemas name (a string's
    // content, any other value's JSON), and converted to each column's type with try_cast: a value that does not
    // convert is a wrong type, caught by a check below. Structs, not maps: a field is read by its index, where a map
    // lookup compares every key (seen as most of the parse's time, with a dozen lookups per event).
    StructType image = new StructType();
    for (ColumnSpec column : columns) {
      image = image.add(column.name, DataTypes.StringType);
    }
    StructType payload = new StructType()
        .add("before", image).add("after", image).add("op", DataTypes.StringType).add("source", SourcePositionUdf.SOURCE);
    // The JSON is parsed once, in a projection of its own that is cached: every expression below reads the parsed
    // maps instead of Spark inlining (and re-running) the parse into each expression that refers to it. The raw
    // value stays out of the cache (quarantine joins it back from the batch).
    Dataset<Row> events = records.select(col("topic"), col("partition"), col("offset"),
        org.apache.spark.sql.functions.from_json(col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.PAYLOAD), payload).alias("_event")).persist();
    Dataset<Row> parsed = events
        .withColumn("_op", expr("_event.op"))
        .withColumn("_source_ts_ms", expr("try_cast(_event.source.ts_ms AS BIGINT)"))
        .withColumn("_source_pos", expr(SourcePositionUdf.call("_event.source")))
        .withColumn("_ingested_at", BatchConstants.timestamp(System.currentTimeMillis()));
    for (ColumnSpec column : columns) {
      String wire = table.key().contains(column.name)
          ? "coalesce(" + after(column.name) + ", _event.before." + quote(column.name) + ")"
          : after(column.name);
      parsed = parsed.withColumn(column.name, expr(column.convert(wire, tableTypes.get(column.name))));
    }
    String parseable = "(_event IS NOT NULL AND (_op IS NOT NULL OR _event.source IS NOT NULL "
        + "OR _event.after IS NOT NULL OR _event.before IS NOT NULL))";
    List<String> checks = new ArrayList<>();
    checks.add("CASE WHEN NOT " + parseable + " THEN 'unparseable: not a Debezium JSON event' END");
    checks.add("CASE WHEN " + parseable + " AND (_op IS NULL OR _op NOT IN ('c', 'u', 'd', 'r', 't')) "
        + "THEN concat('unknown op: ', coalesce(_op, 'none')) END");
    checks.add("CASE WHEN _op IN " + ROW_OPS + " AND _event.after IS NULL THEN 'missing after' END");
    checks.add("CASE WHEN " + parseable + " AND _source_pos IS NULL THEN 'no source position' END");
    if (table.appendOnly()) {
      checks.add("CASE WHEN _op IN ('u', 'd', 't') THEN concat('not an insert: ', CASE _op WHEN 'u' THEN 'an update' "
          + "WHEN 'd' THEN 'a delete' ELSE 'a truncate' END, ' of a table declared appendOnly') END");
    }
    for (String key : table.key()) {
      checks.add("CASE WHEN (_op = 'd' OR _event.after IS NOT NULL) AND " + quote(key) + " IS NULL "
          + "THEN 'missing key " + key + "' END");
    }
    for (ColumnSpec column : columns) {
      String tableType = tableTypes.get(column.name);
      String detail = column.differsFrom(tableType)
          ? " (event type " + column.sqlType + ", table type " + tableType + ")" : "";
      checks.add("CASE WHEN _op IN " + ROW_OPS + " AND " + after(column.name) + " IS NOT NULL AND "
          + quote(column.name) + " IS NULL THEN 'wrong type for " + column.name + detail + "' END");
    }
    // Rules judge only events that are well formed; a null result counts as a violation.
    List<String> rules = new ArrayList<>();
    List<String> dropRules = new ArrayList<>();
    List<String> failRules = new ArrayList<>();
    for (RuleConfig rule : table.rules()) {
      String violated = "_op IN " + ROW_OPS + " AND coalesce(NOT (" + rule.expression() + "), true)";
      if (rule.action() == RuleConfig.Action.DROP) {
        dropRules.add(violated);
      } else if (rule.action() == RuleConfig.Action.FAIL) {
        failRules.add("WHEN " + violated + " THEN '" + rule.name() + "'");
      } else {
        rules.add("CASE WHEN " + violated + " THEN 'rule " + rule.name() + "' END");
      }
    }
    rules.add("CAST(NULL AS STRING)");
    Dataset<Row> rows = parsed
        .withColumn("_checks", expr("array_compact(array(" + String.join(", ", checks) + "))"))
        .withColumn(FAILED_RULE, failRules.isEmpty() ? lit(null).cast("string")
            : expr("CASE WHEN size(_checks) > 0 THEN NULL " + String.join(" ", failRules) + " END"))
        .withColumn(REASONS, expr("CASE WHEN size(_checks) > 0 THEN _checks "
            + "ELSE array_compact(array(" + String.join(", ", rules) + ")) END"))
        .withColumn(DROPPED, dropRules.isEmpty() ? lit(false) : expr("size(" + REASONS + ") = 0 AND ("
            + String.join(" OR ", dropRules) + ")"));
    // Cached as well, without the parsed maps: the stats, quarantine and MERGE (which reads its source twice) all
    // read these rows, and the rules and conversions run once.
    List<org.apache.spark.sql.Column> kept = new ArrayList<>();
    for (String name : List.of("topic", "partition", "offset")) {
      kept.add(col(name));
    }
    for (ColumnSpec column : columns) {
      kept.add(col(quote(column.name)));
    }
    for (String name : List.of("_op", "_source_ts_ms", "_source_pos", "_ingested_at", REASONS, DROPPED, FAILED_RULE)) {
      kept.add(col(name));
    }
    Dataset<Row> computed = rows.select(kept.toArray(new org.apache.spark.sql.Column[0])).persist();
    return new TableBatch(table, columns, computed, events);
  }

  /** One pass over the parsed rows: what the accounting line, the lag, the fail rules and a truncate need. */
  Stats stats() {
    String valid = "size(" + REASONS + ") = 0 AND NOT " + DROPPED;
    Row row = rows.agg(
        expr("count_if(size(" + REASONS + ") > 0)"),
        expr("count_if(" + DROPPED + ")"),
        expr("count_if(" + FAILED_RULE + " IS NOT NULL)"),
        expr(columns.isEmpty() ? "CAST(NULL AS BIGINT)" : "max(_source_ts_ms)"),
        expr(columns.isEmpty() ? "CAST(NULL AS STRING)" : "max(CASE WHEN " + valid + " AND _op = 't' THEN _source_pos END)"),
        expr(columns.isEmpty() ? "CAST(NULL AS BIGINT)"
            : "max_by(_source_ts_ms, CASE WHEN " + valid + " AND _op = 't' THEN _source_pos END)"),
        expr(columns.isEmpty() || table.key().isEmpty() ? "CAST(NULL AS STRING)"
            : "min(CASE WHEN " + valid + " THEN " + quote(table.key().get(0)) + " END)"),
        expr(columns.isEmpty() || table.key().isEmpty() ? "CAST(NULL AS STRING)"
            : "max(CASE WHEN " + valid + " THEN " + quote(table.key().get(0)) + " END)"))
        .first();
    Map<String, Long> reasons = new LinkedHashMap<>();
    if (row.getLong(0) > 0) {
      for (Row reason : rows.where("size(" + REASONS + ") > 0").select(expr("explode(" + REASONS + ")").alias("reason"))
          .groupBy("reason").count().collectAsList()) {
        reasons.put(reason.getString(0), reason.getLong(1));
      }
    }
    return new Stats(row.getLong(0), row.getLong(1), row.getLong(2), row.isNullAt(3) ? null : row.getLong(3),
        row.isNullAt(4) ? null : row.getString(4), row.isNullAt(5) ? null : row.getLong(5), reasons,
        row.isNullAt(6) ? null : row.get(6), row.isNullAt(7) ? null : row.get(7));
  }

  /** The first record that breaks a {@code fail} rule, described for the error that stops the job. */
  String describeFirstFailure() {
    Row first = rows.where(FAILED_RULE + " IS NOT NULL").orderBy("partition", "offset")
        .select(col(FAILED_RULE), col("topic"), col("partition"), col("offset")).first();
    return "rule " + first.getString(0) + " (action fail) is broken by the record at topic " + first.getString(1)
        + ", partition " + first.getInt(2) + ", offset " + first.getLong(3);
  }

  /** Counts and positions of one table's part of a micro-batch. */
  static final class Stats {
    final long quarantined;
    final long dropped;
    final long failed;
    /** Newest source commit time in the batch, or null. */
    final Long newestSourceTsMs;
    /** Position of the newest valid truncate, or null when none. */
    final String truncatePosition;
    final Long truncateTsMs;
    /** Quarantined records per reason (a record with two reasons counts under both). */
    final Map<String, Long> reasons;
    /** The smallest and largest value of the first key column among the valid changes (null when none). */
    final Object firstKeyMin;
    final Object firstKeyMax;

    Stats(long quarantined, long dropped, long failed, Long newestSourceTsMs, String truncatePosition, Long truncateTsMs,
        Map<String, Long> reasons, Object firstKeyMin, Object firstKeyMax) {
      this.quarantined = quarantined;
      this.dropped = dropped;
      this.failed = failed;
      this.newestSourceTsMs = newestSourceTsMs;
      this.truncatePosition = truncatePosition;
      this.truncateTsMs = truncateTsMs;
      this.reasons = reasons;
      this.firstKeyMin = firstKeyMin;
      this.firstKeyMax = firstKeyMax;
    }
  }

  /** The union of the columns of every distinct schema in the batch (a column added mid-batch is included). */
  private static List<ColumnSpec> columnsOf(List<String> schemas) {
    Map<String, ColumnSpec> columns = new LinkedHashMap<>();
    for (String schema : schemas) {
      try {
        JsonNode node = JSON.readTree(schema);
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

  static String quote(String name) {
    return "`" + Identifiers.requireValid(name) + "`";
  }
}
