package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ChangeRecordMapperTest {
  private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
  private static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.INT64_SCHEMA)
      .field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
  private static final Schema SOURCE = SchemaBuilder.struct().field("schema", Schema.OPTIONAL_STRING_SCHEMA)
      .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
  private static final Schema ENVELOPE = SchemaBuilder.struct().name("x.Envelope").field("before", ROW).field("after", ROW)
      .field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

  private static PipelineConfig config(String routing) {
    return new PipelineConfigLoader(name -> null).parse(String.join("\n",
        "source: {type: postgresql, host: db, database: bank, user: u, password: p}",
        "broker: {bootstrapServers: 'k:9092', topicPrefix: lake, topicRouting: " + routing + ", routedTopic: all}",
        "lake: {root: /lake}",
        "tables: [{name: bank.customers, key: [id]}]", ""), "test");
  }

  private static SourceRecord change(String schema, String table, String op) {
    Struct key = new Struct(KEY).put("id", 7L);
    Struct after = new Struct(ROW).put("id", 7L).put("name", "Ada");
    Struct source = new Struct(SOURCE).put("schema", schema).put("table", table).put("ts_ms", 1_700_000_000_000L);
    Struct value = new Struct(ENVELOPE).put("after", after).put("source", source).put("op", op);
    return new SourceRecord(Map.of(), Map.of("lsn", 1L), "lake." + schema + "." + table, KEY, key, ENVELOPE, value);
  }

  @Test
  void publishesAChangeToItsTableTopicKeyedByPrimaryKeyWithHeaders() {
    ChangeRecordMapper.Mapped mapped = new ChangeRecordMapper(config("per-table")).map(change("bank", "customers", "u"));

    assertThat(mapped.record.topic()).isEqualTo("lake.bank.customers");
    assertThat(new String(mapped.record.key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");
    String value = new String(mapped.record.value(), StandardCharsets.UTF_8);
    assertThat(value).startsWith("{\"schema\":").contains("\"payload\":{\"before\":null,\"after\":{\"id\":7,\"name\":\"Ada\"}");
    assertThat(new String(mapped.record.headers().lastHeader(ChangeHeaders.TABLE).value(), StandardCharsets.UTF_8))
        .isEqualTo("bank.customers");
    assertThat(new String(mapped.record.headers().lastHeader(ChangeHeaders.OP).value(), StandardCharsets.UTF_8)).isEqualTo("u");
    assertThat(mapped.sourceTsMs).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void routesEveryTableToOneTopicWhenConfigured() {
    ChangeRecordMapper.Mapped mapped = new ChangeRecordMapper(config("single-topic")).map(change("bank", "customers", "c"));

    assertThat(mapped.record.topic()).isEqualTo("all");
  }

  @Test
  void skipsTablesThatAreNotConfiguredSuchAsTheSignalTable() {
    assertThat(new ChangeRecordMapper(config("per-table")).map(change("lakesync", "signal", "c"))).isNull();
  }

  @Test
  void skipsHeartbeats() {
    Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
    SourceRecord record = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.lake", heartbeat,
        new Struct(heartbeat).put("ts_ms", 1L));

    assertThat(new ChangeRecordMapper(config("per-table")).map(record)).isNull();
  }
}
