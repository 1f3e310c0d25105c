package dev.lakesync.cdc;

import io.debezium.embedded.KafkaConnectUtil;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

/**
 * Debezium 3.3's MySQL connector, reading MariaDB, never sees a transaction start (MariaDB marks it with its own GTID
 * event, which that connector ignores), so the counts of events and rows to skip that it stores next to a binlog
 * position are counted from the wrong place: a restart skipped the first changes made after the stored position.
 * Stored without the counts, a restart reads again from the position: a change already published may come twice
 * (the processor's position guard applies it once), none is lost.
 */
final class MariaDbRestartOffsets {
  /** Engine property: strip the skip counts before offsets are stored. */
  static final String STRIP = "lakesync.offsets.strip-skip-counts";

  private MariaDbRestartOffsets() {
  }

  static Map<ByteBuffer, ByteBuffer> withoutSkipCounts(Map<ByteBuffer, ByteBuffer> offsets) {
    Converter converter = KafkaConnectUtil.converterForOffsetStore();
    Map<ByteBuffer, ByteBuffer> stripped = new HashMap<>();
    for (Map.Entry<ByteBuffer, ByteBuffer> entry : offsets.entrySet()) {
      stripped.put(entry.getKey(), entry.getValue() == null ? null : withoutSkipCounts(converter, entry.getValue()));
    }
    return stripped;
  }

  private static ByteBuffer withoutSkipCounts(Converter converter, ByteBuffer value) {
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    SchemaAndValue parsed = converter.toConnectData("", bytes);
    if (!(parsed.value() instanceof Map)) {
      return value;
    }
    Map<?, ?> offset = (Map<?, ?>) parsed.value();
    if (!offset.containsKey("row") && !offset.containsKey("event")) {
      return value;
    }
    Map<Object, Object> kept = new HashMap<>(offset);
    kept.remove("row");
    kept.remove("event");
    return ByteBuffer.wrap(converter.fromConnectData("", null, kept));
  }

  /** The file store Debezium's engine uses by default, storing offsets without the skip counts. */
  public static final class FileStore extends FileOffsetBackingStore {
    public FileStore() {
      super(KafkaConnectUtil.converterForOffsetStore());
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
      return super.set(withoutSkipCounts(values), callback);
    }
  }
}
