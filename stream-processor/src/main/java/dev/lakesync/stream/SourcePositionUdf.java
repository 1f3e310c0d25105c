package dev.lakesync.stream;

import dev.lakesync.common.change.SourcePosition;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.api.java.UDF12;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark UDF over the fields of an event's {@code source} block that make its {@link SourcePosition} (null when it
 * has none): the connector, then {@link #FIELDS} in that order. Passing the few fields instead of the whole block
 * saves converting a map per event.
 */
final class SourcePositionUdf
    implements UDF12<String, String, String, String, String, String, String, String, String, String, String, String, String> {
  static final String NAME = "lakesync_source_pos";
  /** What SourcePosition reads: PostgreSQL, MySQL/MariaDB, SQL Server, Oracle. */
  static final String[] FIELDS = {"lsn", "sequence", "file", "pos", "row", "commit_lsn", "change_lsn", "event_serial_no",
      "scn", "commit_scn", "snapshot"};
  private static final long serialVersionUID = 1L;
  /**
   * The {@code source} block as the processor parses it: the fields of every connector's position, its commit time
   * and the connector, each as JSON text (a string's content, any other value's JSON); other fields are skipped.
   */
  static final StructType SOURCE = sourceStruct();

  private static StructType sourceStruct() {
    StructType source = new StructType().add("connector", DataTypes.StringType).add("ts_ms", DataTypes.StringType);
    for (String field : FIELDS) {
      source = source.add(field, DataTypes.StringType);
    }
    return source;
  }

  /** The call of this UDF on a {@code source} column of type {@link #SOURCE}. */
  static String call(String source) {
    StringBuilder sql = new StringBuilder(NAME).append("(").append(source).append(".`connector`");
    for (String field : FIELDS) {
      sql.append(", ").append(source).append(".`").append(field).append('`');
    }
    return sql.append(")").toString();
  }

  @Override
  public String call(String connector, String lsn, String sequence, String file, String pos, String row, String commitLsn,
      String changeLsn, String eventSerialNo, String scn, String commitScn, String snapshot) {
    if (connector == null) {
      return null;
    }
    String[] values = {lsn, sequence, file, pos, row, commitLsn, changeLsn, eventSerialNo, scn, commitScn, snapshot};
    Map<String, String> source = new HashMap<>();
    for (int i = 0; i < FIELDS.length; i++) {
      if (values[i] != null) {
        source.put(FIELDS[i], values[i]);
      }
    }
    try {
      return SourcePosition.of(connector, source);
    } catch (IllegalArgumentException e) {
      return null; // quarantined as "no source position"
    }
  }
}
