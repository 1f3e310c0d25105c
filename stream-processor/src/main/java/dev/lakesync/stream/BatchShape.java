package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
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
  private final Map<String, List<String>> schemas = new HashMap<>();

  /**
   * {@code batch} carries {@link LandingWriter#TABLE}; {@code known} holds the schema texts by fingerprint seen so far
   * (the few versions of a pipeline's schemas) and gains the new ones.
   */
  static BatchShape of(Dataset<Row> batch, Map<Long, String> known) {
    BatchShape shape = new BatchShape();
    List<Row> groups = batch.groupBy(col(LandingWriter.TABLE), expr(PayloadUdf.SchemaIdUdf.NAME + "(value)").alias("id"))
        .agg(expr("count(1)"), expr("min(struct(topic, partition, offset))")).collectAsList();
    Column unseen = null;
    for (Row group : groups) {
      if (!group.isNullAt(1) && !known.containsKey(group.getLong(1))) {
        Row sample = group.getStruct(3);
        Column record = col("topic").equalTo(sample.getString(0)).and(col("partition").equalTo(sample.getInt(1)))
            .and(col("offset").equalTo(sample.getLong(2)));
        unseen = unseen == null ? record : unseen.or(record);
      }
    }
    if (unseen != null) {
      for (Row row : batch.where(unseen).select(expr(PayloadUdf.SchemaIdUdf.NAME + "(value)"),
          expr(PayloadUdf.SchemaUdf.NAME + "(value)")).collectAsList()) {
        known.put(row.getLong(0), row.getString(1));
      }
    }
    for (Row group : groups) {
      String table = group.getString(0);
      shape.counts.merge(table, group.getLong(2), Long::sum);
      if (!group.isNullAt(1)) {
        shape.schemas.computeIfAbsent(table, key -> new ArrayList<>()).add(known.get(group.getLong(1)));
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

  /** The distinct schema texts of a table's events (none when no event carries one). */
  List<String> schemas(String table) {
    return schemas.getOrDefault(table, List.of());
  }
}
