package dev.lakesync.serving;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.LZ4CompressionCodec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The built documents ({@code customer_id} bigint, {@code json} string or null) as one LZ4-compressed byte array per
 * partition: per document its id, the JSON's length (-1 for a delete) and its UTF-8 bytes. A task's result of Rows
 * goes through Java serialization both ways (seen: an eighth of a warm rebuild's CPU samples); one array costs a
 * copy. Uncompressed, a partition's array was tens of MB, and each of its copies (growing, serializing, fetching)
 * a humongous allocation that set off G1 marking cycles; JSON compresses several times over.
 */
final class DocumentBlobs {
  /** One document as read back: {@code json} is null for a delete. */
  static final class Entry {
    final long customerId;
    final String json;

    Entry(long customerId, String json) {
      this.customerId = customerId;
      this.json = json;
    }
  }

  // The end mark: no document has a length below -1.
  private static final long END = Long.MIN_VALUE;
  private static final int END_LENGTH = -2;
  private static final CompressionCodec CODEC = new LZ4CompressionCodec(new SparkConf(false));

  private DocumentBlobs() {
  }

  static JavaRDD<byte[]> of(Dataset<Row> documents) {
    return documents.queryExecution().toRdd().toJavaRDD().mapPartitions(DocumentBlobs::encode);
  }

  static Iterator<byte[]> encode(Iterator<InternalRow> rows) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(CODEC.compressedOutputStream(bytes), 1 << 16));
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      out.writeLong(row.getLong(0));
      if (row.isNullAt(1)) {
        out.writeInt(-1);
      } else {
        byte[] json = row.getUTF8String(1).getBytes();
        out.writeInt(json.length);
        out.write(json);
      }
    }
    out.writeLong(END);
    out.writeInt(END_LENGTH);
    out.close();
    return List.of(bytes.toByteArray()).iterator();
  }

  static List<Entry> decode(byte[] blob) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        CODEC.compressedInputStream(new ByteArrayInputStream(blob)), 1 << 16))) {
      for (long id = in.readLong(); ; id = in.readLong()) {
        int length = in.readInt();
        if (length == END_LENGTH && id == END) {
          return entries;
        }
        String json = null;
        if (length >= 0) {
          byte[] utf8 = new byte[length];
          in.readFully(utf8);
          json = new String(utf8, StandardCharsets.UTF_8);
        }
        entries.add(new Entry(id, json));
      }
    }
  }
}
