package dev.lakesync.stream;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.Identifiers;
import dev.lakesync.common.LakeColumnNames;
import dev.lakesync.common.config.RuleConfig;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.TransactionLedger;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One table's records of a micro-batch, parsed into typed columns with the metadata columns and a list of
 * reasons for each record that cannot be applied (built-in checks and the table's rules).
 */
final class TableBatch implements AutoCloseable {
  /** The record's place in the batch (topic, partition, offset), under names no source column has. */
  static final String TOPIC = "_kafka_topic";
  static final String PARTITION = "_kafka_partition";
  static final String OFFSET = "_kafka_offset";
  /** The fingerprint of the record's event schema ({@link EnvelopeUdf}), null when it has none. */
  static final String SCHEMA_ID = "_schema_id";
  /** The oversized marker's header text, null for a change ({@link #OVERSIZED_HEADER}). */
  static final String OVERSIZED = "_oversized";
  /** capture's header on a marker published in place of a change too large for the broker. */
  private static final String OVERSIZED_HEADER = "lakesync.oversized";
  private static final Column OVERSIZED_REASON = when(col(OVERSIZED).isNotNull(),
      org.apache.spark.sql.functions.concat(lit("oversized: "), col(OVERSIZED)));
  static final String REASONS = "_reasons";
  static final String DROPPED = "_dropped";
  /** Whether the event is the last read of a snapshot of its table (Debezium's source.snapshot). */
  static final String SNAPSHOT_END = "_snapshot_end";
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
  /** The key columns by their lake names. */
  final List<String> keys;
  /**
   * Every record: topic, partition and offset (which identify it in the batch), typed columns, metadata,
   * {@link #REASONS}, {@link #DROPPED} and {@link #FAILED_RULE}.
   */
  Dataset<Row> rows;

  /** The cached parse under {@link #rows}, released by {@link #close}; null when nothing was parsed. */
  private final Dataset<Row> cached;
  /** Capture's markers of oversized changes in this batch (raw records), or null when there can be none. */
  private Dataset<Row> oversizedMarkers;

  private TableBatch(TableConfig table, List<ColumnSpec> columns, List<String> keys, Dataset<Row> rows,
      Dataset<Row> cached) {
    this.table = table;
    this.columns = columns;
    this.keys = keys;
    this.rows = rows;
    this.cached = cached;
  }

  private TableBatch withOversizedMarkers(Dataset<Row> records, boolean withoutSchema) {
    if (withoutSchema && java.util.Arrays.asList(records.columns()).contains("headers")) {
      oversizedMarkers = records.where(col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.SCHEMA_ID).isNull()
          .and(expr("exists(headers, h -> h.key = '" + OVERSIZED_HEADER + "')")));
    }
    return this;
  }

  @Override
  public void close() {
    rows.unpersist();
    if (cached != null) {
      cached.unpersist();
    }
  }

  /**
   * Parses a table's {@code records}, whose distinct event schemas by fingerprint are {@code schemas} (see
   * {@link BatchShape}), into the columns of {@code lake} (the validated table's; none before it exists).
   * {@code withoutSchema} says whether some records are not an envelope (only those can be capture's markers of
   * oversized changes, whose headers are then read).
   */
  static TableBatch parse(TableConfig table, Dataset<Row> records, Map<Long, String> schemas, LakeColumns lake,
      boolean withoutSchema) {
    Map<Long, String> unreadable = new LinkedHashMap<>();
    List<ColumnSpec> columns = columnsOf(schemas, lake, unreadable);
    Column schemaCheck = lit(null).cast("string");
    for (Map.Entry<Long, String> schema : unreadable.entrySet()) {
      schemaCheck = when(col(SCHEMA_ID).equalTo(schema.getKey()), lit(schema.getValue())).otherwise(schemaCheck);
    }
    Column schemaId = col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.SCHEMA_ID).alias(SCHEMA_ID);
    // A marker capture published in place of a change too large for the broker (see its OversizedChanges).
    // Read only when some records are not an envelope, as a marker is not: reading every record's headers out of
    // the cached batch would cost each batch's parse.
    Column oversized = (withoutSchema && java.util.Arrays.asList(records.columns()).contains("headers")
        ? when(col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.SCHEMA_ID).isNull(),
            expr("element_at(filter(headers, h -> h.key = '" + OVERSIZED_HEADER + "'), 1).value").cast("string"))
        : lit(null).cast("string")).alias(OVERSIZED);
    if (columns.isEmpty()) {
      // Nothing in this batch carries a readable schema: every record is quarantined, with the schema's problem when
      // it has one.
      Dataset<Row> rows = records.select(col("topic").alias(TOPIC), col("partition").alias(PARTITION),
              col("offset").alias(OFFSET), schemaId, oversized)
          .withColumn(REASONS, array(coalesce(OVERSIZED_REASON, schemaCheck,
              lit("unparseable: not a Debezium JSON event"))))
          .withColumn(DROPPED, lit(false)).withColumn(FAILED_RULE, lit(null).cast("string"));
      return new TableBatch(table, columns, keysOf(table, columns), rows, null).withOversizedMarkers(records, withoutSchema);
    }
    // Row images are read as structs of JSON text, one field per column the batch's schemas name (a string's
    // content, any other value's JSON), and converted to each column's type with try_cast: a value that does not
    // convert is a wrong type, caught by a check below. Structs, not maps: a field is read by its index, where a map
    // lookup compares every key (seen as most of the parse's time, with a dozen lookups per event). The images are
    // read by the source's names and renamed to the lake's by a cast (struct fields convert by position).
    StructType image = new StructType();
    StructType lakeImage = new StructType();
    for (ColumnSpec column : columns) {
      image = image.add(column.wire, DataTypes.StringType);
      lakeImage = lakeImage.add(column.name, DataTypes.StringType);
    }
    // The JSON is parsed once, in a projection of its own that is cached: every expression below reads the parsed
    // maps instead of Spark inlining (and re-running) the parse into each expression that refers to it. The raw
    // value stays out of the cache (quarantine joins it back from the batch).
    Column parsedPayload = from_json(col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.PAYLOAD), payload(image));
    boolean renamed = columns.stream().anyMatch(column -> !column.wire.equals(column.name));
    Dataset<Row> events = records.select(col("topic").alias(TOPIC), col("partition").alias(PARTITION),
        col("offset").alias(OFFSET), schemaId, oversized,
        (renamed ? parsedPayload.cast(payload(lakeImage)) : parsedPayload).alias("_event")).persist();
    Dataset<Row> parsed = events
        .withColumn("_op", expr("_event.op"))
        .withColumn("_source_ts_ms", expr("try_cast(_event.source.ts_ms AS BIGINT)"))
        .withColumn("_source_pos", expr(SourcePositionUdf.call("_event.source")))
        .withColumn("_ingested_at", BatchConstants.timestamp(System.currentTimeMillis()))
        .withColumn(SNAPSHOT_END, expr("coalesce(_event.source.snapshot IN ('last', 'last_in_data_collection'), false)"));
    List<String> keys = keysOf(table, columns);
    for (ColumnSpec column : columns) {
      String wire = keys.contains(column.name)
          ? "coalesce(" + after(column.name) + ", _event.before." + quote(column.name) + ")"
          : after(column.name);
      parsed = parsed.withColumn(column.name, expr(column.convert(wire, lake.types.get(column.name))));
    }
    String parseable = "(_event IS NOT NULL AND (_op IS NOT NULL OR _event.source IS NOT NULL "
        + "OR _event.after IS NOT NULL OR _event.before IS NOT NULL))";
    List<String> checks = new ArrayList<>();
    checks.add("CASE WHEN NOT " + parseable + " AND " + OVERSIZED + " IS NULL THEN 'unparseable: not a Debezium JSON event' END");
    checks.add("CASE WHEN " + parseable + " AND (_op IS NULL OR _op NOT IN ('c', 'u', 'd', 'r', 't')) "
        + "THEN concat('unknown op: ', coalesce(_op, 'none')) END");
    checks.add("CASE WHEN _op IN " + ROW_OPS + " AND _event.after IS NULL THEN 'missing after' END");
    checks.add("CASE WHEN " + parseable + " AND _source_pos IS NULL THEN 'no source position' END");
    if (table.appendOnly()) {
      checks.add("CASE WHEN _op IN ('u', 'd', 't') THEN concat('not an insert: ', CASE _op WHEN 'u' THEN 'an update' "
          + "WHEN 'd' THEN 'a delete' ELSE 'a truncate' END, ' of a table declared appendOnly') END");
    }
    for (String key : keys) {
      checks.add("CASE WHEN (_op = 'd' OR _event.after IS NOT NULL) AND " + quote(key) + " IS NULL "
          + "THEN 'missing key " + key + "' END");
    }
    for (ColumnSpec column : columns) {
      String tableType = lake.types.get(column.name);
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
    List<Column> checkColumns = new ArrayList<>();
    checkColumns.add(OVERSIZED_REASON);
    checkColumns.add(schemaCheck);
    checks.forEach(check -> checkColumns.add(expr(check)));
    Dataset<Row> rows = parsed
        .withColumn("_checks", array_compact(array(checkColumns.toArray(new Column[0]))))
        .withColumn(FAILED_RULE, failRules.isEmpty() ? lit(null).cast("string")
            : expr("CASE WHEN size(_checks) > 0 THEN NULL " + String.join(" ", failRules) + " END"))
        .withColumn(REASONS, expr("CASE WHEN size(_checks) > 0 THEN _checks "
            + "ELSE array_compact(array(" + String.join(", ", rules) + ")) END"))
        .withColumn(DROPPED, dropRules.isEmpty() ? lit(false) : expr("size(" + REASONS + ") = 0 AND ("
            + String.join(" OR ", dropRules) + ")"));
    // Cached as well, without the parsed maps: the stats, quarantine and MERGE (which reads its source twice) all
    // read these rows, and the rules and conversions run once.
    List<org.apache.spark.sql.Column> kept = new ArrayList<>();
    for (String name : List.of(TOPIC, PARTITION, OFFSET)) {
      kept.add(col(name));
    }
    for (ColumnSpec column : columns) {
      kept.add(col(quote(column.name)));
    }
    for (String name : List.of("_op", "_source_ts_ms", "_source_pos", "_ingested_at", REASONS, DROPPED, FAILED_RULE,
        SNAPSHOT_END)) {
      kept.add(col(name));
    }
    Dataset<Row> computed = rows.select(kept.toArray(new org.apache.spark.sql.Column[0])).persist();
    return new TableBatch(table, columns, keys, computed, events).withOversizedMarkers(records, withoutSchema);
  }

  private static StructType payload(StructType image) {
    return new StructType()
        .add("before", image).add("after", image).add("op", DataTypes.StringType).add("source", SourcePositionUdf.SOURCE)
        .add("transaction", TRANSACTION);
  }

  /** Debezium's transaction block of a change: the source transaction's id and the change's order in it per table. */
  private static final StructType TRANSACTION = new StructType().add("id", DataTypes.StringType)
      .add("data_collection_order", DataTypes.LongType);

  /**
   * For each source transaction with changes in this batch: its id ({@link TransactionMarker#transactionOf}) and the
   * orders of its changes to this table (Debezium's data_collection_order), for the {@link TransactionLedger}.
   */
  List<Row> transactionOrders(boolean postgres) {
    List<Row> orders = new ArrayList<>();
    if (cached != null) {
      orders.addAll(transactionOrders(cached, "_event.transaction", postgres));
    }
    if (oversizedMarkers != null) {
      // A marker carries the transaction block of the change it stands for.
      orders.addAll(transactionOrders(oversizedMarkers.select(from_json(col("value").cast("string"),
          new StructType().add("transaction", TRANSACTION)).alias("_marker")), "_marker.transaction", postgres));
    }
    return orders;
  }

  private static List<Row> transactionOrders(Dataset<Row> events, String block, boolean postgres) {
    String id = postgres ? "substring_index(" + block + ".id, ':', 1)" : block + ".id";
    return events.where(block + ".id IS NOT NULL AND " + block + ".data_collection_order IS NOT NULL")
        .groupBy(expr(id)).agg(expr("collect_set(" + block + ".data_collection_order)")).collectAsList();
  }

  /** The table's key columns by their lake names. */
  private static List<String> keysOf(TableConfig table, List<ColumnSpec> columns) {
    List<String> keys = new ArrayList<>();
    for (String key : table.key()) {
      keys.add(columns.stream().filter(column -> column.source.equals(key)).map(column -> column.name).findFirst().orElse(key));
    }
    return keys;
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
        expr(columns.isEmpty() || keys.isEmpty() ? "CAST(NULL AS STRING)"
            : "min(CASE WHEN " + valid + " THEN " + quote(keys.get(0)) + " END)"),
        expr(columns.isEmpty() || keys.isEmpty() ? "CAST(NULL AS STRING)"
            : "max(CASE WHEN " + valid + " THEN " + quote(keys.get(0)) + " END)"),
        expr(columns.isEmpty() ? "0L" : "count_if(" + valid + " AND (" + UnchangedToast.anyIn(columns) + "))"),
        expr(columns.isEmpty() ? "CAST(NULL AS STRING)" : "max(CASE WHEN " + SNAPSHOT_END + " THEN _source_pos END)"))
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
        row.isNullAt(6) ? null : row.get(6), row.isNullAt(7) ? null : row.get(7), row.getLong(8),
        row.isNullAt(9) ? null : row.getString(9));
  }

  /**
   * Gives a reason to the valid changes of each key whose newest state leaves a TOAST value out ({@link UnchangedToast})
   * that nothing else can give: no earlier change of the batch and no row of the validated table {@code lake} (null
   * when it does not exist). Such a row was never inserted into the lake; its changes are quarantined, not written
   * with a made-up value. Call only when {@link Stats#unchangedToast} is not zero, then compute the stats again.
   */
  void refuseUnknownToastValues(Dataset<Row> lake) {
    String valid = "size(" + REASONS + ") = 0 AND NOT " + DROPPED;
    List<Column> perKey = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (ColumnSpec column : columns) {
      if (column.text) {
        String unchanged = UnchangedToast.test(column, quote(column.name));
        String left = "_left_" + perKey.size();
        String given = "_given_" + perKey.size();
        perKey.add(expr("count_if(" + unchanged + ")").alias(left));
        perKey.add(expr("count_if(_op IN " + ROW_OPS + " AND NOT " + unchanged + ")").alias(given));
        unknown.add("CASE WHEN " + left + " > 0 AND " + given + " = 0 THEN '" + column.name + "' END");
      }
    }
    Column[] keyColumns = keys.stream().map(key -> col(quote(key))).toArray(Column[]::new);
    Dataset<Row> refused = rows.where(valid)
        .groupBy(keyColumns)
        .agg(expr("max_by(_op, _source_pos)").alias("_last_op"), perKey.toArray(new Column[0]))
        .withColumn("_unknown", expr("concat_ws(', ', " + String.join(", ", unknown) + ")"))
        .where("_last_op <> 'd' AND _unknown <> ''")
        .withColumn("_toast_reason", expr("concat('unchanged TOAST value of ', _unknown, ' with no earlier value in the "
            + "batch or the lake (the row was never inserted into the lake, or its key changed in a table without "
            + "REPLICA IDENTITY FULL: snapshot the table again)')"));
    List<Column> kept = new ArrayList<>(java.util.Arrays.asList(keyColumns));
    kept.add(col("_toast_reason"));
    refused = refused.select(kept.toArray(new Column[0]));
    if (lake != null) {
      refused = refused.join(lake, scala.collection.JavaConverters.asScalaBuffer(keys).toSeq(), "left_anti");
    }
    Dataset<Row> before = rows;
    rows = rows.join(refused, scala.collection.JavaConverters.asScalaBuffer(keys).toSeq(), "left")
        .withColumn(REASONS, expr("CASE WHEN " + valid + " AND _toast_reason IS NOT NULL THEN array(_toast_reason) "
            + "ELSE " + REASONS + " END"))
        .drop("_toast_reason").persist();
    before.unpersist();
  }

  /** The first record that breaks a {@code fail} rule, described for the error that stops the job. */
  String describeFirstFailure() {
    Row first = rows.where(FAILED_RULE + " IS NOT NULL").orderBy(PARTITION, OFFSET)
        .select(col(FAILED_RULE), col(TOPIC), col(PARTITION), col(OFFSET)).first();
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
    /** Valid changes that leave a TOAST value out ({@link UnchangedToast}). */
    final long unchangedToast;
    /** Position of the last read of a snapshot of the table that ended in this batch, or null when none did. */
    final String snapshotEndPosition;

    Stats(long quarantined, long dropped, long failed, Long newestSourceTsMs, String truncatePosition, Long truncateTsMs,
        Map<String, Long> reasons, Object firstKeyMin, Object firstKeyMax, long unchangedToast, String snapshotEndPosition) {
      this.quarantined = quarantined;
      this.dropped = dropped;
      this.failed = failed;
      this.newestSourceTsMs = newestSourceTsMs;
      this.truncatePosition = truncatePosition;
      this.truncateTsMs = truncateTsMs;
      this.reasons = reasons;
      this.firstKeyMin = firstKeyMin;
      this.firstKeyMax = firstKeyMax;
      this.unchangedToast = unchangedToast;
      this.snapshotEndPosition = snapshotEndPosition;
    }
  }

  /**
   * The union of the columns of every distinct schema in the batch (a column added mid-batch is included), under their
   * lake names; a schema that cannot be read is left out, with its problem in {@code unreadable}.
   */
  private static List<ColumnSpec> columnsOf(Map<Long, String> schemas, LakeColumns lake, Map<Long, String> unreadable) {
    Map<String, ColumnSpec> bySource = new LinkedHashMap<>();
    for (Map.Entry<Long, String> schema : schemas.entrySet()) {
      try {
        for (ColumnSpec column : ColumnSpec.fromEnvelopeSchema(JSON.readTree(schema.getValue()))) {
          bySource.putIfAbsent(column.source, column);
        }
      } catch (IOException | IllegalArgumentException e) {
        unreadable.put(schema.getKey(), "unreadable event schema: " + e.getMessage());
      }
    }
    Map<String, String> names = LakeColumnNames.assign(bySource.keySet(), lake.lakeNames);
    List<ColumnSpec> columns = new ArrayList<>();
    bySource.values().forEach(column -> columns.add(column.named(names.get(column.source))));
    return columns;
  }

  static String quote(String name) {
    return "`" + Identifiers.requireValid(name) + "`";
  }
}
