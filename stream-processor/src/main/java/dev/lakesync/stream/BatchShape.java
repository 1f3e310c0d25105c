package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one pass over a micro-batch tells before any write: records per table, and the distinct event schemas of each
 * table (the text in front of the payload, read without a JSON parse), from which the columns are known. The pass
 * groups by a fingerprint of the schema; the text of a fingerprint not seen before is read from one of its records.
 */
final class BatchShape {
  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, Map<Long, String>> schemas = new HashMap<>();
  /** Tables with records that are not a {"schema":...,"payload":...} envelope (poison, capture's markers). */
  private final java.util.Set<String> withoutSchema = new java.util.HashSet<>();

  /**
   * {@code batch} carries {@link LandingWriter#TABLE}; {@code known} holds the schema texts by fingerprint seen so far
   * (the few versions of a pipeline's schemas) and gains the new ones.
   */
  static BatchShape of(Dataset<Row> batch, Map<Long, String> known) {
    BatchShape shape = new BatchShape();
    // Grouped by partition as well, so that every aggregate is a number (a hash aggregation; a struct-valued one
    // sorted the whole batch): a schema's first offset in any of its partitions is a record that carries it.
    Column id = col(EnvelopeUdf.COLUMN + "." + EnvelopeUdf.SCHEMA_ID);
    List<Row> groups = batch.groupBy(col(LandingWriter.TABLE), id.alias("id"), col("topic"), col("partition"))
        .agg(expr("count(1)"), expr("min(offset)")).collectAsList();
    Map<Long, Column> unseen = new HashMap<>();
    for (Row group : groups) {
      if (!group.isNullAt(1) && !known.containsKey(group.getLong(1))) {
        unseen.putIfAbsent(group.getLong(1), col("topic").equalTo(group.getString(2))
            .and(col("partition").equalTo(group.getInt(3))).and(col("offset").equalTo(group.getLong(5))));
      }
    }
    if (!unseen.isEmpty()) {
      Column records = unseen.values().stream().reduce(Column::or).get();
      for (Row row : batch.where(records).select(id, expr(EnvelopeUdf.SchemaUdf.NAME + "(value)")).collectAsList()) {
        known.put(row.getLong(0), row.getString(1));
      }
    }
    for (Row group : groups) {
      String table = group.getString(0);
      shape.counts.merge(table, group.getLong(4), Long::sum);
      if (group.isNullAt(1)) {
        shape.withoutSchema.add(table);
      } else {
        shape.schemas.computeIfAbsent(table, key -> new java.util.LinkedHashMap<>())
            .put(group.getLong(1), known.get(group.getLong(1)));
      }
    }
    return shape;
  }

  Map<String, Long> counts() {
    return counts;
  }

  long count(String table) {
    return counts.getOrDefault(table, 0L);
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether some of a table's records are not an envelope with a schema. */
  boolean hasRecordsWithoutSchema(String table) {
    return withoutSchema.contains(table);
  }

  /** The distinct schema texts of a table's events by fingerprint (none when no event carries one). */
  Map<Long, String> schemas(String table) {
    return schemas.getOrDefault(table, Map.of());
  }
}
