package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class KafkaPublisherTest {
  private static final Schema CHANGE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();
  private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).build();

  private static SourceRecord record(Schema schema, Map<String, ?> offset) {
    Struct value = new Struct(schema).put(schema.fields().get(0).name(), "x");
    return new SourceRecord(Map.of(), offset, "t", schema, value);
  }

  @Test
  void leavesTheChangesSharingTheBatchsLastLsnUnmarkedSoThatARestartPublishesThemAgain() {
    assertThat(KafkaPublisher.markable(Arrays.asList(10L, 11L, 12L, 12L))).isEqualTo(2);
    assertThat(KafkaPublisher.markable(Arrays.asList(10L, 11L))).isEqualTo(1);
    assertThat(KafkaPublisher.markable(Arrays.asList(12L, 12L))).as("one group: nothing yet").isZero();
    assertThat(KafkaPublisher.markable(Arrays.asList(10L, 12L, 12L, null))).as("ends with a marker").isEqualTo(4);
    assertThat(KafkaPublisher.markable(Arrays.asList())).isZero();
  }

  @Test
  void holdsBackOnlyStreamedChanges() {
    assertThat(KafkaPublisher.heldBackBy(record(CHANGE, Map.of("lsn", 12L, "lsn_commit", 10L)))).isEqualTo(12L);
    assertThat(KafkaPublisher.heldBackBy(record(CHANGE, Map.of("lsn", 5L, "snapshot", true)))).as("snapshot read").isNull();
    assertThat(KafkaPublisher.heldBackBy(record(MARKER, Map.of("lsn", 12L)))).as("transaction END").isNull();
    assertThat(KafkaPublisher.heldBackBy(record(CHANGE, Map.of("file", "binlog.000001", "pos", 4L)))).as("MySQL").isNull();
  }
}
