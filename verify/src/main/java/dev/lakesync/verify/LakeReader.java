package dev.lakesync.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakesync.common.LakeColumnNames;
import dev.lakesync.common.LakePaths;
import dev.lakesync.common.change.SourcePosition;
import dev.lakesync.common.config.TableConfig;
import dev.lakesync.lake.DeltaTables;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/** A validated table's live rows and positions, and the newest quarantined change per key. */
final class LakeReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the lake holds for one table. */
  static final class LakeTable {
    final Rows live = new Rows();
    /** Every key's _source_pos, tombstones included. */
    final Map<String, String> positions = new HashMap<>();
    /** Per key, the newest position among its quarantined changes. */
    final Map<String, String> quarantined = new HashMap<>();
    /** Quarantined events per reason ("rule amount_positive", "not JSON"...). */
    final Map<String, Long> quarantineReasons = new java.util.TreeMap<>();
  }

  private final SparkSession spark;
  private final LakePaths paths;

  LakeReader(SparkSession spark, LakePaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /**
   * The table's rows at {@code version} (none below 0), each value in the form of {@code source}'s: decimals held as
   * text and bit strings as bytes.
   */
  LakeTable read(TableConfig table, Rows source, long version) {
    LakeTable lake = new LakeTable();
    String validated = paths.validated(table.schema(), table.table());
    if (version >= 0) {
      Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(validated);
      // Each data column under its source name (a renamed column records it), the metadata columns left out.
      StructField[] fields = rows.schema().fields();
      String[] sourceNames = new String[fields.length];
      for (int i = 0; i < fields.length; i++) {
        boolean metadata = LakeColumnNames.METADATA.contains(fields[i].name());
        sourceNames[i] = metadata ? null : fields[i].metadata().contains(LakeColumnNames.SOURCE_NAME)
            ? fields[i].metadata().getString(LakeColumnNames.SOURCE_NAME) : fields[i].name();
      }
      for (Row row : rows.collectAsList()) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < fields.length; i++) {
          if (sourceNames[i] != null) {
            Object value = row.get(i);
            if (value instanceof String && source.decimalColumns.contains(sourceNames[i])) {
              values.put(sourceNames[i], Values.ofDecimalText((String) value));
            } else if (source.bitColumns.contains(sourceNames[i])) {
              values.put(sourceNames[i], Values.ofBits(value));
            } else {
              values.put(sourceNames[i], Values.of(value));
            }
          }
        }
        String key = "d".equals(row.getAs("_op")) ? Rows.key(table.key(), values) : lake.live.put(table.key(), values);
        lake.positions.put(key, row.getAs("_source_pos"));
      }
    }
    String quarantine = paths.quarantine(table.schema(), table.table());
    if (DeltaTables.exists(spark, quarantine)) {
      Dataset<Row> events = spark.read().format("delta").load(quarantine);
      if (java.util.Arrays.asList(events.columns()).contains("replayed_at")) {
        events = events.where("replayed_at IS NULL"); // a replayed event is in the validated table or superseded
      }
      for (Row row : events.selectExpr("CAST(value AS STRING)", "reasons").collectAsList()) {
        quarantinedChange(table, row.getString(0), lake.quarantined);
        if (!row.isNullAt(1)) {
          for (Object reason : row.getList(1)) {
            lake.quarantineReasons.merge(String.valueOf(reason), 1L, Long::sum);
          }
        }
      }
    }
    return lake;
  }

  /** The key and position of a quarantined change event; poison that has neither is skipped. */
  private static void quarantinedChange(TableConfig table, String value, Map<String, String> quarantined) {
    try {
      JsonNode root = JSON.readTree(value);
      JsonNode payload = root.has("payload") ? root.get("payload") : root;
      JsonNode image = payload.path("after").isObject() ? payload.get("after") : payload.path("before");
      JsonNode source = payload.path("source");
      if (!image.isObject() || !source.isObject()) {
        return;
      }
      Map<String, String> keyValues = new HashMap<>();
      for (String column : table.key()) {
        JsonNode field = image.get(column);
        keyValues.put(column, field == null || field.isNull() ? "null" : Values.of(field.isNumber()
            ? field.decimalValue() : field.asText()));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> sourceMap = JSON.convertValue(source, Map.class);
      String position = SourcePosition.of(source.path("connector").asText(), sourceMap);
      quarantined.merge(Rows.key(table.key(), keyValues), position, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    } catch (Exception e) {
      // not a change event (malformed JSON, no source block): nothing in the source corresponds to it
    }
  }
}
