package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaPublisherTest {
  private static Map<String, ?> streamed(long lsn) {
    return Map.of("lsn", lsn, "lsn_commit", 1L, "txId", 7L);
  }

  @Test
  void leavesTheRowsSharingTheBatchsLastLsnUnmarkedSoThatARestartPublishesThemAgain() {
    assertThat(KafkaPublisher.markable(List.of(streamed(10), streamed(11), streamed(12), streamed(12)))).isEqualTo(2);
    assertThat(KafkaPublisher.markable(List.of(streamed(10), streamed(11)))).isEqualTo(1);
    assertThat(KafkaPublisher.markable(List.of(streamed(12), streamed(12)))).as("one group: nothing yet").isZero();
    assertThat(KafkaPublisher.markable(List.of())).isZero();
  }

  @Test
  void marksEverySnapshotReadAndEveryChangeOfASourceWithoutLsns() {
    Map<String, ?> snapshot = Map.of("lsn", 5L, "snapshot", true, "last_snapshot_record", false);
    assertThat(KafkaPublisher.markable(List.of(snapshot, snapshot, snapshot))).isEqualTo(3);
    Map<String, ?> binlog = Map.of("file", "binlog.000001", "pos", 4L);
    assertThat(KafkaPublisher.markable(List.of(binlog, binlog))).isEqualTo(2);
  }
}
