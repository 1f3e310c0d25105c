package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransactionMarkerTest {
  @Test
  void readsEndMarkersCountingOnlyConfiguredTables() {
    PipelineConfig config = new PipelineConfigLoader(name -> null).parse(String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: app, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: /tmp/lake}",
        "tables: [{name: s.a, key: [id]}, {name: s.b, key: [id]}]", ""), "test.yaml");
    TransactionMarker end = TransactionMarker.end("{\"status\":\"END\",\"id\":\"571:53195832\",\"event_count\":4,"
        + "\"data_collections\":[{\"data_collection\":\"s.a\",\"event_count\":3},{\"data_collection\":\"s.other\","
        + "\"event_count\":1}],\"ts_ms\":1}", config.tables(), true).orElseThrow();
    assertThat(end.id).as("PostgreSQL: the xid, without the marker's own LSN").isEqualTo("571");
    assertThat(end.counts).containsExactly(Map.entry("s.a", 3L));
    assertThat(TransactionMarker.end("{\"status\":\"END\",\"id\":\"3e11fa47-71ca-11e1-9e33-c80aa9429562:23\"}",
        config.tables(), false).orElseThrow().id).as("a MySQL GTID kept whole").isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:23");
    assertThat(TransactionMarker.end("{\"status\":\"BEGIN\",\"id\":\"1\"}", config.tables(), true)).isEmpty();
    assertThat(TransactionMarker.end("not json", config.tables(), true)).isEmpty();
  }
}
