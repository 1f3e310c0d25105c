package dev.lakesync.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one pass over a micro-batch tells before any write: records per table, and the distinct event schemas of each
 * table (the text in front of the payload, read without a JSON parse), from which the columns are known.
 */
final class BatchShape {
  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, List<String>> schemas = new HashMap<>();

  /** {@code batch} carries {@link LandingWriter#TABLE}. */
  static BatchShape of(Dataset<Row> batch) {
    BatchShape shape = new BatchShape();
    for (Row row : batch.groupBy(col(LandingWriter.TABLE), expr(PayloadUdf.SchemaUdf.NAME + "(value)").alias("schema"))
        .count().collectAsList()) {
      String table = row.getString(0);
      shape.counts.merge(table, row.getLong(2), Long::sum);
      if (!row.isNullAt(1)) {
        shape.schemas.computeIfAbsent(table, key -> new ArrayList<>()).add(row.getString(1));
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
