package dev.lakesync.common.change;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code _source_pos} metadata column: a string whose natural (lexicographic) order is the order of changes in the
 * source's log, built from the {@code source} block of a Debezium change event. Fixed-width segments make string
 * comparison equal to numeric comparison, so Spark, SQL and plain Java compare positions the same way.
 *
 * <ul>
 *   <li>PostgreSQL: commit LSN, then the change's LSN ({@code source.sequence = ["commitLsn","lsn"]}). A snapshot
 *       read ({@code source.snapshot} other than {@code false}) sorts before every streamed change: a transaction
 *       that began before the replication slot's consistent point and committed after it is not in the snapshot,
 *       yet streams with change LSNs (and, first after the snapshot, no commit LSN) below the snapshot's LSN; it
 *       must still win over the snapshot row.
 *       An incremental snapshot's read (an ad-hoc re-snapshot while streaming) sorts at its LSN instead, after the
 *       changes streamed before it, so that it repairs the lake.</li>
 *   <li>MySQL / MariaDB: binlog file number, event position, row within the event.</li>
 *   <li>SQL Server: commit LSN, change LSN, event serial number.</li>
 *   <li>Oracle: commit SCN, then the change's SCN.</li>
 * </ul>
 * Positions are comparable only between events of the same source database.
 */
public final class SourcePosition {
  private static final Pattern SEQUENCE = Pattern.compile("\\[\\s*(null|\"(\\d*)\")\\s*,\\s*(null|\"(\\d*)\")\\s*]");
  private static final Pattern BINLOG_NUMBER = Pattern.compile(".*?(\\d+)$");

  private SourcePosition() {
  }

  /**
   * @param connector Debezium's {@code source.connector}: postgresql, mysql, mariadb, sqlserver or oracle
   * @param source    the event's {@code source} block (values as parsed from JSON: numbers, strings, null)
   */
  public static String of(String connector, Map<String, ?> source) {
    switch (connector.toLowerCase(Locale.ROOT)) {
      case "postgresql":
        return postgres(source);
      case "mysql":
      case "mariadb":
        return mysql(source);
      case "sqlserver":
        return sqlServer(source);
      case "oracle":
        return oracle(source);
      default:
        throw new IllegalArgumentException("no source position for connector '" + connector + "'");
    }
  }

  private static String postgres(Map<String, ?> source) {
    Object snapshot = source.get("snapshot");
    if ("incremental".equalsIgnoreCase(String.valueOf(snapshot))) {
      // Read while streaming, between two watermarks of the log, and emitted only for keys no change touched
      // within them: the row as of the stream's position (its source names no LSN; the sequence holds the last
      // commit's), newer than every change streamed before it.
      Matcher parsed = SEQUENCE.matcher(String.valueOf(source.get("sequence")));
      if (!parsed.matches() || parsed.group(2) == null || parsed.group(2).isEmpty()) {
        throw new IllegalArgumentException("incremental snapshot read without a commit LSN in source.sequence: "
            + source.get("sequence"));
      }
      long position = Long.parseUnsignedLong(parsed.group(2));
      return pad(position) + "/" + pad(position);
    }
    long lsn = number(source, "lsn");
    if (snapshot != null && !"false".equalsIgnoreCase(snapshot.toString())) {
      return pad(0) + "/" + pad(lsn);
    }
    long commitLsn = lsn;
    Object sequence = source.get("sequence");
    if (sequence != null) {
      Matcher parsed = SEQUENCE.matcher(sequence.toString());
      if (!parsed.matches()) {
        throw new IllegalArgumentException("unreadable PostgreSQL source.sequence: " + sequence);
      }
      if (parsed.group(2) != null && !parsed.group(2).isEmpty()) {
        commitLsn = Long.parseUnsignedLong(parsed.group(2));
      }
    }
    return pad(commitLsn) + "/" + pad(lsn);
  }

  private static String mysql(Map<String, ?> source) {
    Object file = source.get("file");
    if (file == null) {
      throw new IllegalArgumentException("MySQL source block without 'file'");
    }
    Matcher number = BINLOG_NUMBER.matcher(file.toString());
    if (!number.matches()) {
      throw new IllegalArgumentException("unreadable binlog file name: " + file);
    }
    return pad(Long.parseLong(number.group(1))) + "/" + pad(number(source, "pos")) + "/" + pad(optionalNumber(source, "row"));
  }

  private static String sqlServer(Map<String, ?> source) {
    return lsn(source, "commit_lsn") + "/" + lsn(source, "change_lsn") + "/" + pad(optionalNumber(source, "event_serial_no"));
  }

  private static String oracle(Map<String, ?> source) {
    long scn = Long.parseLong(String.valueOf(source.get("scn")));
    Object commit = source.get("commit_scn");
    long commitScn = commit == null || commit.toString().isEmpty() ? scn : Long.parseLong(commit.toString());
    return pad(commitScn) + "/" + pad(scn);
  }

  /** SQL Server LSNs are hex "0000002b:00000ab0:0003": fixed width already; null (snapshot) sorts first. */
  private static String lsn(Map<String, ?> source, String key) {
    Object value = source.get(key);
    if (value == null) {
      return "00000000:00000000:0000";
    }
    String text = value.toString().toLowerCase(Locale.ROOT);
    if (!text.matches("[0-9a-f]{8}:[0-9a-f]{8}:[0-9a-f]{4}")) {
      throw new IllegalArgumentException("unreadable SQL Server LSN in source." + key + ": " + value);
    }
    return text;
  }

  private static long number(Map<String, ?> source, String key) {
    Object value = source.get(key);
    if (value == null) {
      throw new IllegalArgumentException("source block without '" + key + "'");
    }
    return value instanceof Number ? ((Number) value).longValue() : Long.parseUnsignedLong(value.toString());
  }

  private static long optionalNumber(Map<String, ?> source, String key) {
    return source.get(key) == null ? 0 : number(source, key);
  }

  /** Twenty digits hold any unsigned 64-bit value, so string order is numeric order. */
  private static String pad(long value) {
    String digits = Long.toUnsignedString(value);
    return "00000000000000000000".substring(digits.length()) + digits;
  }
}
