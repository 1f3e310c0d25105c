package dev.lakesync.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class DocumentBlobsTest {
  @Test
  void documentsAndDeletesComeBackAsWritten() throws Exception {
    List<InternalRow> rows = new ArrayList<>();
    StringBuilder large = new StringBuilder("{\"payments\":[");
    for (int i = 0; i < 20_000; i++) {
      large.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"merchant\":\"Café ").append(i).append("\"}");
    }
    String[] jsons = {"{\"id\":\"1\",\"name\":\"Zoë \\\"Q\\\"\"}", null, "", large.append("]}").toString()};
    String[] ids = {"1", "a:b", "", "日本"};
    String[] keys = {"1", null, "x", "日本"};
    for (int i = 0; i < ids.length; i++) {
      rows.add(new GenericInternalRow(new Object[] {utf8("order"), utf8(ids[i]), utf8(keys[i]), utf8(jsons[i]),
          utf8(jsons[i] == null ? null : "{\"n\":" + i + "}")}));
    }
    Iterator<byte[]> blobs = DocumentBlobs.encode(rows.iterator());
    byte[] blob = blobs.next();
    assertThat(blobs.hasNext()).isFalse();
    assertThat(blob.length).as("compressed").isLessThan(jsons[3].length() / 2);

    List<DocumentBlobs.Entry> entries = DocumentBlobs.decode(blob);
    assertThat(entries).hasSize(ids.length);
    for (int i = 0; i < ids.length; i++) {
      DocumentBlobs.Entry entry = entries.get(i);
      assertThat(entry.type).isEqualTo("order");
      assertThat(entry.id).isEqualTo(ids[i]);
      assertThat(entry.partitionKey).isEqualTo(keys[i]);
      assertThat(entry.json).isEqualTo(jsons[i]);
      assertThat(entry.search).isEqualTo(jsons[i] == null ? null : "{\"n\":" + i + "}");
    }
  }

  private static UTF8String utf8(String value) {
    return value == null ? null : UTF8String.fromString(value);
  }

  @Test
  void anEmptyPartitionIsAnEmptyList() throws Exception {
    byte[] blob = DocumentBlobs.encode(new ArrayList<InternalRow>().iterator()).next();
    assertThat(DocumentBlobs.decode(blob)).isEmpty();
  }
}
