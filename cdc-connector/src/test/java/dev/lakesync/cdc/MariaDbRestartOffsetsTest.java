package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MariaDbRestartOffsetsTest {
  @Test
  void theSkipCountsAreLeftOutAndThePositionKept() {
    Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
    ByteBuffer key = bytes("[\"maria-cdc\",{\"server\":\"maria\"}]");
    offsets.put(key, bytes("{\"ts_sec\":1796608862,\"file\":\"binlog.000001\",\"pos\":4081359,\"row\":1,\"event\":2,\"server_id\":1}"));
    Map<ByteBuffer, ByteBuffer> stored = MariaDbRestartOffsets.withoutSkipCounts(offsets);
    String value = StandardCharsets.UTF_8.decode(stored.get(key)).toString();
    assertThat(value).contains("\"file\":\"binlog.000001\"", "\"pos\":4081359", "\"server_id\":1", "\"ts_sec\":1796608862")
        .doesNotContain("\"row\"", "\"event\"");
  }

  @Test
  void aSnapshotOffsetAndARemovedOneAreStoredAsGiven() {
    Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
    ByteBuffer snapshot = bytes("{\"file\":\"binlog.000001\",\"pos\":4,\"snapshot\":true}");
    offsets.put(bytes("a"), snapshot);
    offsets.put(bytes("b"), null);
    Map<ByteBuffer, ByteBuffer> stored = MariaDbRestartOffsets.withoutSkipCounts(offsets);
    assertThat(stored.get(bytes("a"))).isEqualTo(snapshot);
    assertThat(stored).containsKey(bytes("b"));
    assertThat(stored.get(bytes("b"))).isNull();
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
