package dev.lakesync.bench;

import java.time.Instant;
import java.util.Locale;

/**
 * Change events for {@code bench.events(id bigint primary key, account int, amount numeric(14,2), note text,
 * created_at timestamptz)} in the shape cdc-connector publishes from PostgreSQL: the Debezium envelope as JSON with
 * its schema (source column types propagated, decimals as strings, timestamptz as ISO text), so the processor does
 * the same work per event as in production. The positions are PostgreSQL LSNs, increasing with {@code sequence}.
 */
final class SyntheticEvents {
  static final String TABLE = "bench.events";

  private static final String ROW = "{\"type\":\"struct\",\"fields\":["
      + column("int64", false, "id", "INT8", 19, 0, null)
      + "," + column("int32", true, "account", "INT4", 10, 0, null)
      + "," + column("string", true, "amount", "NUMERIC", 14, 2, null)
      + "," + column("string", true, "note", "TEXT", 2147483647, 0, null)
      + "," + column("string", true, "created_at", "TIMESTAMPTZ", 35, 6, "io.debezium.time.ZonedTimestamp")
      + "],\"optional\":true,\"name\":\"bench.bench.events.Value\",\"field\":\"%s\"}";
  private static final String SOURCE = "{\"type\":\"struct\",\"fields\":["
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
      + "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
      + "\"parameters\":{\"allowed\":\"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental\"},"
      + "\"default\":\"false\",\"field\":\"snapshot\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
      + "{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"txId\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"xmin\"}],"
      + "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"version\":1,\"field\":\"source\"}";
  private static final String TRANSACTION = "{\"type\":\"struct\",\"fields\":["
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
      + "\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"}";
  static final String SCHEMA = "{\"type\":\"struct\",\"fields\":[" + String.format(Locale.ROOT, ROW, "before") + ","
      + String.format(Locale.ROOT, ROW, "after") + "," + SOURCE + ","
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"}," + TRANSACTION + "],"
      + "\"optional\":false,\"name\":\"bench.bench.events.Envelope\",\"version\":2}";

  private SyntheticEvents() {
  }

  private static String column(String type, boolean optional, String name, String sourceType, int length, int scale,
      String semantic) {
    return "{\"type\":\"" + type + "\",\"optional\":" + optional + (semantic == null ? "" : ",\"name\":\"" + semantic
        + "\",\"version\":1") + ",\"parameters\":{\"__debezium.source.column.type\":\"" + sourceType
        + "\",\"__debezium.source.column.length\":\"" + length + "\",\"__debezium.source.column.scale\":\"" + scale
        + "\"},\"field\":\"" + name + "\"}";
  }

  static String key(long id) {
    return "{\"id\":" + id + "}";
  }

  /**
   * One event: {@code op} c, u or d of row {@code id}, at log position {@code sequence} (the n-th change), committed
   * at {@code sourceTsMs}.
   */
  /** The END marker of the transaction of change {@code sequence}, as Debezium's PostgreSQL connector sends it. */
  static String end(long sequence) {
    long lsn = 100_000_000L + sequence * 64;
    return "{\"schema\":{\"type\":\"struct\",\"fields\":[]},\"payload\":{\"status\":\"END\",\"id\":\"" + (1000 + sequence)
        + ":" + (lsn + 8) + "\",\"event_count\":1,\"data_collections\":[{\"data_collection\":\"" + TABLE
        + "\",\"event_count\":1}],\"ts_ms\":0}}";
  }

  static String event(String op, long id, long sequence, long sourceTsMs) {
    long lsn = 100_000_000L + sequence * 64;
    String row = "{\"id\":" + id + ",\"account\":" + (id % 1000) + ",\"amount\":\"" + (sequence % 100_000) / 100
        + "." + String.format(Locale.ROOT, "%02d", sequence % 100) + "\",\"note\":\"change " + sequence
        + " of row " + id + "\",\"created_at\":\"" + Instant.ofEpochMilli(sourceTsMs) + "\"}";
    String before = op.equals("d") ? "{\"id\":" + id + ",\"account\":null,\"amount\":null,\"note\":null,\"created_at\":null}" : "null";
    String after = op.equals("d") ? "null" : row;
    long txId = 1000 + sequence;
    return "{\"schema\":" + SCHEMA + ",\"payload\":{\"before\":" + before + ",\"after\":" + after
        + ",\"source\":{\"version\":\"3.3.2.Final\",\"connector\":\"postgresql\",\"name\":\"bench\",\"ts_ms\":"
        + sourceTsMs + ",\"snapshot\":\"false\",\"db\":\"bank\",\"sequence\":\"[\\\"" + lsn + "\\\",\\\"" + lsn
        + "\\\"]\",\"ts_us\":" + sourceTsMs * 1000 + ",\"ts_ns\":" + sourceTsMs * 1_000_000 + ",\"schema\":\"bench\","
        + "\"table\":\"events\",\"txId\":" + txId + ",\"lsn\":" + lsn + ",\"xmin\":null},\"transaction\":{\"id\":\""
        + txId + ":" + lsn + "\",\"total_order\":1,\"data_collection_order\":1},\"op\":\"" + op + "\",\"ts_ms\":"
        + sourceTsMs + ",\"ts_us\":" + sourceTsMs * 1000 + ",\"ts_ns\":" + sourceTsMs * 1_000_000 + "}}";
  }
}
