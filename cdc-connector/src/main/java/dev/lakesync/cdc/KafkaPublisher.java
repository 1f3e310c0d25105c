package dev.lakesync.cdc;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium change consumer that publishes each batch and acknowledges it to the engine only after the broker
 * acknowledged every record in it, so that a committed offset never points past an unacknowledged change. A failed
 * send fails the batch: the engine stops without committing, and a restart re-reads from the last commit.
 */
final class KafkaPublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private final Producer<byte[], byte[]> producer;
  private final ChangeRecordMapper mapper;
  private final CaptureMetrics metrics;

  private final OversizedChanges oversized;

  KafkaPublisher(Producer<byte[], byte[]> producer, ChangeRecordMapper mapper, CaptureMetrics metrics,
      OversizedChanges oversized) {
    this.producer = producer;
    this.oversized = oversized;
    this.mapper = mapper;
    this.metrics = metrics;
  }

  @Override
  public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
    List<ChangeRecordMapper.Mapped> sent = new ArrayList<>(records.size());
    for (RecordChangeEvent<SourceRecord> event : records) {
      ChangeRecordMapper.Mapped mapped = mapper.map(event.record());
      if (mapped == null) {
        metrics.skipped();
        continue;
      }
      sends.add(producer.send(oversized.fit(mapped.record, mapped.table)));
      sent.add(mapped);
    }
    producer.flush();
    for (int i = 0; i < sends.size(); i++) {
      try {
        sends.get(i).get();
      } catch (ExecutionException e) {
        throw new PublishFailedException("the broker did not acknowledge a change for " + sent.get(i).table + " on topic "
            + sent.get(i).record.topic() + ": " + e.getCause().getMessage(), e.getCause());
      }
      metrics.acknowledged(sent.get(i).table, sent.get(i).sourceTsMs, System.currentTimeMillis());
    }
    int markable = markable(records.stream().map(event -> heldBackBy(event.record()))
        .collect(java.util.stream.Collectors.toList()));
    for (RecordChangeEvent<SourceRecord> event : records.subList(0, markable)) {
      committer.markProcessed(event);
    }
    committer.markBatchFinished();
    if (!records.isEmpty()) {
      metrics.position(describe(records.get(records.size() - 1).record().sourceOffset()));
    }
  }

  /**
   * How many of a batch's records may be marked processed, given each record's {@link #heldBackBy} key. PostgreSQL
   * gives one LSN to every row of a multi-row insert or COPY, and Debezium's PostgreSQL connector resumes after the
   * stored offset's LSN as a whole (debezium/dbz#1554, fixed in 3.7): an offset stored within such a group would lose
   * the group's remaining rows on restart. So when a batch ends with a streamed change, the changes sharing its LSN
   * are left unmarked: the stored offset stays before the group, and a restart publishes the group again (downstream
   * applies a change once). A batch that ends with anything else (a transaction's END marker, a heartbeat) ends
   * after every group it holds.
   */
  static int markable(List<Object> heldBackBy) {
    if (heldBackBy.isEmpty()) {
      return 0;
    }
    Object last = heldBackBy.get(heldBackBy.size() - 1);
    if (last == null) {
      return heldBackBy.size();
    }
    int count = heldBackBy.size();
    while (count > 0 && last.equals(heldBackBy.get(count - 1))) {
      count--;
    }
    return count;
  }

  /**
   * A streamed PostgreSQL change's LSN; null for anything else: snapshot reads (which all carry the snapshot's LSN),
   * transaction markers, heartbeats, other sources.
   */
  static Object heldBackBy(SourceRecord record) {
    Map<String, ?> offset = record.sourceOffset();
    boolean change = record.value() instanceof org.apache.kafka.connect.data.Struct
        && ((org.apache.kafka.connect.data.Struct) record.value()).schema().field("op") != null;
    if (!change || offset == null || Boolean.TRUE.toString().equals(String.valueOf(offset.get("snapshot")))) {
      return null;
    }
    return offset.get("lsn");
  }

  private static String describe(Map<String, ?> offset) {
    if (offset == null) {
      return "unknown";
    }
    Object lsn = offset.get("lsn");
    if (lsn != null) {
      return "lsn=" + lsn;
    }
    Object file = offset.get("file");
    if (file != null) {
      return "binlog=" + file + ":" + offset.get("pos");
    }
    return offset.toString();
  }

  /** The broker refused or timed out on a change; the engine must stop without committing it. */
  static final class PublishFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PublishFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
