package dev.lakesync.stream;

import dev.lakesync.common.change.SourcePosition;
import java.util.Map;
import org.apache.spark.sql.api.java.UDF1;
import scala.collection.JavaConverters;

/** Spark UDF over an event's {@code source} block (as map of strings): its {@link SourcePosition}, or null. */
final class SourcePositionUdf implements UDF1<scala.collection.Map<String, String>, String> {
  static final String NAME = "lakesync_source_pos";
  private static final long serialVersionUID = 1L;

  @Override
  public String call(scala.collection.Map<String, String> source) {
    if (source == null) {
      return null;
    }
    Map<String, String> map = JavaConverters.mapAsJavaMap(source);
    String connector = map.get("connector");
    if (connector == null) {
      return null;
    }
    try {
      return SourcePosition.of(connector, map);
    } catch (IllegalArgumentException e) {
      return null; // quarantined as "no source position"
    }
  }
}
