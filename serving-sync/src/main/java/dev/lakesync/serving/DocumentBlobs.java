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
 * The built documents (columns type, id, partition key, JSON, search JSON: strings, the last two null for a delete)
 * as one LZ4-compressed byte array per partition. A task's result of Rows goes through Java serialization both ways;
 * one array costs a copy. Compressed, because a partition's JSON is large and each copy of a large array is a
 * humongous allocation for G1, and JSON compresses several times over.
 */
final class DocumentBlobs {
  /** One document as read back: {@code json} and {@code search} are null for a delete. */
  static final class Entry {
    final String type;
    final String id;
    final String partitionKey;
    final String json;
    final String search;

    Entry(String type, String id, String partitionKey, String json, String search) {
      this.type = type;
      this.id = id;
      this.partitionKey = partitionKey;
      this.json = json;
      this.search = search;
    }
  }

  private static final int COLUMNS = 5;
  private static final int NULL = -1;
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
      out.writeBoolean(true);
      for (int column = 0; column < COLUMNS; column++) {
        if (row.isNullAt(column)) {
          out.writeInt(NULL);
        } else {
          byte[] utf8 = row.getUTF8String(column).getBytes();
          out.writeInt(utf8.length);
          out.write(utf8);
        }
      }
    }
    out.writeBoolean(false);
    out.close();
    return List.of(bytes.toByteArray()).iterator();
  }

  static List<Entry> decode(byte[] blob) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        CODEC.compressedInputStream(new ByteArrayInputStream(blob)), 1 << 16))) {
      String[] values = new String[COLUMNS];
      while (in.readBoolean()) {
        for (int column = 0; column < COLUMNS; column++) {
          int length = in.readInt();
          values[column] = null;
          if (length != NULL) {
            byte[] utf8 = new byte[length];
            in.readFully(utf8);
            values[column] = new String(utf8, StandardCharsets.UTF_8);
          }
        }
        entries.add(new Entry(values[0], values[1], values[2], values[3], values[4]));
      }
      return entries;
    }
  }
}
