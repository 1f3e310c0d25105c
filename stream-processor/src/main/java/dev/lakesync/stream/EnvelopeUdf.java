package dev.lakesync.stream;

import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.api.java.UDF1;

/**
 * Spark UDF over a record's value: the JSON text of the payload of a {@code {"schema":...,"payload":...}} envelope,
 * or null for anything else. The schema in front of the payload is most of the bytes and is read once per distinct
 * version elsewhere, so only the payload is parsed per event. One byte scan; SQL string functions would count
 * characters several times over.
 */
final class PayloadUdf implements UDF1<byte[], String> {
  static final String NAME = "lakesync_payload";
  private static final long serialVersionUID = 1L;
  private static final byte[] PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
  /** Outside JSON strings (where quotes are escaped), this text first occurs where the payload field starts. */
  private static final byte[] FIELD = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

  @Override
  public String call(byte[] value) {
    if (value == null || !startsWith(value, PREFIX)) {
      return null;
    }
    int at = indexOf(value, FIELD, PREFIX.length);
    if (at < 0 || value[value.length - 1] != '}') {
      return null;
    }
    int start = at + FIELD.length;
    return new String(value, start, value.length - 1 - start, StandardCharsets.UTF_8);
  }

  /** Spark UDF over a record's value: the schema part, {@code {"schema":<this>,"payload":...}}, or null. */
  static final class SchemaUdf implements UDF1<byte[], String> {
    static final String NAME = "lakesync_schema";
    private static final long serialVersionUID = 1L;

    @Override
    public String call(byte[] value) {
      return schemaText(value);
    }
  }

  /**
   * Spark UDF over a record's value: a 64-bit fingerprint (XXH64) of its schema part, or null when it has none.
   * Grouping a batch by it costs one pass over the bytes, where grouping by the text copied, re-encoded, hashed and
   * compared kilobytes per event.
   */
  static final class SchemaIdUdf implements UDF1<byte[], Long> {
    static final String NAME = "lakesync_schema_id";
    private static final long serialVersionUID = 1L;

    @Override
    public Long call(byte[] value) {
      return schemaId(value);
    }
  }

  static Long schemaId(byte[] value) {
    if (value == null || !startsWith(value, PREFIX)) {
      return null;
    }
    int at = indexOf(value, FIELD, PREFIX.length);
    return at < 0 ? null : org.apache.spark.sql.catalyst.expressions.XXH64.hashUnsafeBytes(value,
        org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET + PREFIX.length, at - PREFIX.length, 42L);
  }

  static String schemaText(byte[] value) {
    if (value == null || !startsWith(value, PREFIX)) {
      return null;
    }
    int at = indexOf(value, FIELD, PREFIX.length);
    return at < 0 ? null : new String(value, PREFIX.length, at - PREFIX.length, StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] value, byte[] prefix) {
    if (value.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (value[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] value, byte[] needle, int from) {
    outer:
    for (int i = from; i <= value.length - needle.length; i++) {
      if (value[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (value[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
