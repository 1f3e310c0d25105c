package dev.lakesync.stream;

import dev.lakesync.common.change.SourcePosition;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.api.java.UDF12;

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

  /** The call of this UDF on a {@code source} map column. */
  static String call(String sourceMap) {
    StringBuilder sql = new StringBuilder(NAME).append("(").append(sourceMap).append("['connector']");
    for (String field : FIELDS) {
      sql.append(", ").append(sourceMap).append("['").append(field).append("']");
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
