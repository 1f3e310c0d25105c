package dev.lakesync.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Spark UDF over a record's value that splits a {@code {"schema":...,"payload":...}} envelope: a 64-bit fingerprint
 * (XXH64) of the schema part and the JSON text of the payload ({@link #TYPE}), or null for anything else. The schema
 * in front of the payload is most of the bytes and is read once per distinct version (by its fingerprint), so only the
 * payload is parsed per event. The record is split once, as the batch is cached: every later step reads the two
 * small fields instead of copying the whole value again (Spark hands a UDF its own copy of a binary value).
 */
final class EnvelopeUdf implements UDF1<byte[], Row> {
  static final String NAME = "lakesync_envelope";
  /** The column of a cached batch that holds this UDF's result. */
  static final String COLUMN = "_envelope";
  static final String SCHEMA_ID = "schema_id";
  static final String PAYLOAD = "payload";
  static final StructType TYPE = new StructType()
      .add(SCHEMA_ID, DataTypes.LongType).add(PAYLOAD, DataTypes.StringType);
  private static final long serialVersionUID = 1L;
  private static final byte[] PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
  /** Outside JSON strings (where quotes are escaped), this text first occurs where the payload field starts. */
  private static final byte[] FIELD = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

  private final Splitter splitter = new Splitter();

  /** {@code schema_id} and {@code payload} (Spark's own string: a view of the value's bytes, not encoded again). */
  @Override
  public Row call(byte[] value) {
    Schema schema = splitter.schemaOf(value);
    return schema == null ? null : RowFactory.create(schema.id, payload(value, schema));
  }

  private static UTF8String payload(byte[] value, Schema schema) {
    int start = schema.payloadFieldAt() + FIELD.length;
    if (value[value.length - 1] != '}' || start > value.length - 1) {
      return null;
    }
    return UTF8String.fromBytes(value, start, value.length - 1 - start);
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

  static String schemaText(byte[] value) {
    Schema schema = new Splitter().schemaOf(value);
    return schema == null ? null : new String(schema.text, StandardCharsets.UTF_8);
  }

  /**
   * Splits records into schema and payload. Nearly every record of a batch carries the schema text of the record
   * before it, so the schema last found by a scan is kept and a record is first compared with it (a vectorized
   * comparison, where the scan inspects byte by byte; seen as a third of the parse's samples). The comparison is
   * exact: when a record holds that schema text followed by the field, an occurrence of the field starting earlier
   * would lie within the same bytes as in the record the scan was run on, where the scan found none.
   */
  private static final class Splitter implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private transient Schema last;

    /** The schema part of {@code value}, or null when it is not a {@code {"schema":...,"payload":...}} envelope. */
    Schema schemaOf(byte[] value) {
      if (value == null || !startsWith(value, PREFIX)) {
        return null;
      }
      Schema known = last;
      if (known != null && known.isIn(value)) {
        return known;
      }
      int at = indexOf(value, FIELD, PREFIX.length);
      if (at < 0) {
        return null;
      }
      Schema found = new Schema(Arrays.copyOfRange(value, PREFIX.length, at));
      last = found;
      return found;
    }
  }

  /** The schema text of an envelope (its UTF-8 bytes) and its fingerprint. */
  private static final class Schema {
    final byte[] text;
    final long id;

    Schema(byte[] text) {
      this.text = text;
      this.id = org.apache.spark.sql.catalyst.expressions.XXH64.hashUnsafeBytes(text,
          org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET, text.length, 42L);
    }

    int payloadFieldAt() {
      return PREFIX.length + text.length;
    }

    /** Whether {@code value} (which starts with the prefix) holds this text followed by the payload field. */
    boolean isIn(byte[] value) {
      int end = payloadFieldAt();
      return end + FIELD.length <= value.length
          && Arrays.equals(value, PREFIX.length, end, text, 0, text.length)
          && Arrays.equals(value, end, end + FIELD.length, FIELD, 0, FIELD.length);
    }
  }

  private static boolean startsWith(byte[] value, byte[] prefix) {
    return value.length >= prefix.length && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
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
