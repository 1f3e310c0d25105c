package dev.lakesync.stream;

import dev.lakesync.common.LakeColumnNames;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A validated table's columns: their Spark SQL types, and the lake name of each source column. */
final class LakeColumns {
  static final LakeColumns NONE = new LakeColumns(Map.of(), Map.of());

  /** Lake column name to Spark SQL type, e.g. INT or DECIMAL(14,2). */
  final Map<String, String> types;
  /** Source column name to lake column name ({@link LakeColumnNames}). */
  final Map<String, String> lakeNames;

  private LakeColumns(Map<String, String> types, Map<String, String> lakeNames) {
    this.types = types;
    this.lakeNames = lakeNames;
  }

  /** Read from the table's schema: a column whose metadata names no source column has its lake name's. */
  static LakeColumns of(StructType schema) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> lakeNames = new LinkedHashMap<>();
    for (StructField field : schema.fields()) {
      types.put(field.name(), field.dataType().sql());
      if (!ValidatedWriter.METADATA.contains(field.name())) {
        String source = field.metadata().contains(LakeColumnNames.SOURCE_NAME)
            ? field.metadata().getString(LakeColumnNames.SOURCE_NAME) : field.name();
        lakeNames.put(source, field.name());
      }
    }
    return new LakeColumns(types, lakeNames);
  }
}
