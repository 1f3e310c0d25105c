package dev.lakesync.cdc;

import dev.lakesync.common.config.BrokerConfig;
import dev.lakesync.common.config.PipelineConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a Debezium record into the Kafka record lakesync publishes (or nothing, for heartbeats and lakesync's own
 * control tables): key = the row's primary key as JSON, value = the Debezium envelope as JSON with its schema,
 * headers = table and op, topic per table or the routed topic. Pure: no I/O.
 */
final class ChangeRecordMapper {
  private final BrokerConfig broker;
  private final Set<String> capturedTables = new HashSet<>();
  private final String debeziumTransactionTopic;
  private final JsonConverter keyConverter = new JsonConverter();
  private final JsonConverter valueConverter = new JsonConverter();

  ChangeRecordMapper(PipelineConfig config) {
    this.broker = config.broker();
    config.tables().forEach(table -> capturedTables.add(table.qualifiedName()));
    this.debeziumTransactionTopic = broker.topicPrefix() + ".transaction";
    keyConverter.configure(Map.of("schemas.enable", "false"), true);
    // The value keeps its schema so that the processor knows each column's type (decimal, timestamp, json...).
    valueConverter.configure(Map.of("schemas.enable", "true"), false);
  }

  /** What to publish for {@code record}, or null when it is not published (still acknowledged to Debezium). */
  Mapped map(SourceRecord record) {
    if (record.value() == null || !(record.value() instanceof Struct)) {
      return null; // tombstones are off; nothing else comes without a value
    }
    Struct value = (Struct) record.value();
    if (record.topic().equals(debeziumTransactionTopic)) {
      String status = value.getString("status");
      return build(record, broker.transactionTopic(), ChangeHeaders.TRANSACTION_TABLE, status, value, null);
    }
    Field sourceField = value.schema().field("source");
    Field opField = value.schema().field("op");
    if (sourceField == null || opField == null) {
      return null; // heartbeats and other non-change records
    }
    Struct source = value.getStruct("source");
    String schema = schemaOf(source);
    String table = source.getString("table");
    String qualified = schema + "." + table;
    if (!capturedTables.contains(qualified)) {
      return null; // lakesync's heartbeat and signal tables
    }
    Long sourceTs = source.getInt64("ts_ms");
    return build(record, broker.topicFor(schema, table), qualified, value.getString("op"), value, sourceTs);
  }

  private static String schemaOf(Struct source) {
    // PostgreSQL and SQL Server name the schema; MySQL/MariaDB name the database.
    Field schema = source.schema().field("schema");
    if (schema != null && source.getString("schema") != null) {
      return source.getString("schema");
    }
    return source.getString("db");
  }

  private Mapped build(SourceRecord record, String topic, String table, String op, Struct value, Long sourceTsMs) {
    byte[] key = record.key() == null ? null : keyConverter.fromConnectData(record.topic(), record.keySchema(), record.key());
    byte[] body = valueConverter.fromConnectData(record.topic(), record.valueSchema(), value);
    RecordHeaders headers = new RecordHeaders();
    headers.add(ChangeHeaders.TABLE, table.getBytes(StandardCharsets.UTF_8));
    headers.add(ChangeHeaders.OP, (op == null ? "" : op).getBytes(StandardCharsets.UTF_8));
    return new Mapped(new ProducerRecord<>(topic, null, key, body, headers), table, sourceTsMs);
  }

  /** A record to publish, with what metrics need to know about it. */
  static final class Mapped {
    final ProducerRecord<byte[], byte[]> record;
    final String table;
    /** Source commit time, null for transaction markers. */
    final Long sourceTsMs;

    Mapped(ProducerRecord<byte[], byte[]> record, String table, Long sourceTsMs) {
      this.record = record;
      this.table = table;
      this.sourceTsMs = sourceTsMs;
    }
  }
}
