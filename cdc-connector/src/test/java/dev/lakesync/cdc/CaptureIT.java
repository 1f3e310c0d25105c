package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.localstack.EmbeddedStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot then streaming from the embedded PostgreSQL into the embedded broker, checked value by value. */
@ExtendWith(EmbeddedStack.class)
class CaptureIT {
  private static final String ZOO = "CREATE TABLE app.type_zoo (id bigint PRIMARY KEY, amount numeric(20, 6), "
      + "price numeric(14, 2), happened_at timestamptz, local_ts timestamp, day date, uid uuid, doc jsonb, big text, "
      + "flag boolean, note varchar(50))";
  private static final String BIG_TEXT = "(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 700) i)";

  @TempDir
  Path workDir;

  @Test
  void snapshotsThenStreamsEveryTypeExactly(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "types");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", ZOO,
        "INSERT INTO app.type_zoo VALUES (1, 12345678901234.123456, 0.10, '2026-01-02 03:04:05.123456+02', "
            + "'2026-01-02 03:04:05.123456', '2026-01-02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
            + "'{\"a\": [1, 2, {\"b\": \"c\"}]}', " + BIG_TEXT + ", true, 'first')");
    PipelineConfig config = CaptureFixture.config(servers, db, workDir, List.of("app.type_zoo"), null);
    String topic = db + ".app.type_zoo";

    try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options().metricsPort(0))) {
      List<CaptureFixture.Event> snapshot = CaptureFixture.read(servers, List.of(topic), events -> events.size() >= 1,
          Duration.ofSeconds(60));
      assertThat(snapshot).as(capture.output()).hasSize(1);
      assertExactValues(snapshot.get(0), 1, "r");

      CaptureFixture.execute(servers, db,
          "INSERT INTO app.type_zoo VALUES (2, -0.000001, 99999999999.99, '1999-12-31 23:59:59.999999-05', "
              + "'1999-12-31 23:59:59.999999', '1999-12-31', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '[]', "
              + BIG_TEXT + ", false, 'second')",
          "UPDATE app.type_zoo SET note = 'changed' WHERE id = 2",
          "DELETE FROM app.type_zoo WHERE id = 1",
          "UPDATE app.type_zoo SET id = 3 WHERE id = 2");

      List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of(topic), e -> e.size() >= 6,
          Duration.ofSeconds(60));
      assertThat(events).extracting(e -> e.op).containsExactly("r", "c", "u", "d", "d", "c");
      assertThat(events.subList(4, 6)).as("a primary-key change moves the row: delete old key, create new key")
          .extracting(e -> e.key.get("id").asInt()).containsExactly(2, 3);
      assertThat(events).extracting(e -> e.table).containsOnly("app.type_zoo");

      CaptureFixture.Event insert = events.get(1);
      assertThat(insert.key.get("id").asLong()).isEqualTo(2);
      assertThat(insert.after().get("amount").asText()).isEqualTo("-0.000001");
      assertThat(insert.after().get("price").asText()).isEqualTo("99999999999.99");
      assertThat(insert.after().get("happened_at").asText()).isEqualTo("2000-01-01T04:59:59.999999Z");
      assertThat(insert.after().get("local_ts").asLong())
          .isEqualTo(micros(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)));
      assertThat(insert.after().get("day").asInt()).isEqualTo(LocalDate.of(1999, 12, 31).toEpochDay());
      assertThat(insert.after().get("doc").asText()).isEqualTo("[]");
      assertThat(insert.after().get("big").asText()).hasSize(700 * 32);

      CaptureFixture.Event update = events.get(2);
      assertThat(update.after().get("note").asText()).isEqualTo("changed");
      assertThat(update.after().get("big").asText())
          .as("an unchanged TOAST column arrives marked, never as a value").isEqualTo(ChangeHeaders.UNCHANGED_TOAST);

      CaptureFixture.Event delete = events.get(3);
      assertThat(delete.key.get("id").asLong()).isEqualTo(1);
      assertThat(delete.payload().get("after").isNull()).isTrue();
      assertThat(delete.payload().get("before").get("id").asLong()).isEqualTo(1);

      assertThat(insert.payload().get("source").get("lsn").asLong()).isPositive();
      assertThat(insert.payload().get("transaction").get("id").asText()).isNotEmpty();

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + capture.service.metricsPort();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("lakesync_capture_published_total{stage=\"capture\",table=\"app.type_zoo\"} 6.0")
          .contains("lakesync_capture_changes_total{stage=\"capture\"} 6.0")
          .containsPattern("lakesync_capture_freshness_ms\\{stage=\"capture\",table=\"app.type_zoo\"} \\d");

      assertThat(capture.stop()).isEqualTo(0);
      assertThat(capture.output()).contains("capture: stopped after 6 change events (");
    }
  }

  @Test
  void publishesTransactionMarkersAroundAMultiTableTransaction(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "txn");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE TABLE app.a (id int PRIMARY KEY, v text)",
        "CREATE TABLE app.b (id int PRIMARY KEY, v text)");
    PipelineConfig config = CaptureFixture.config(servers, db, workDir, List.of("app.a", "app.b"), null);

    try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
      // Once this row arrives the snapshot is done and what follows is streamed.
      CaptureFixture.execute(servers, db, "INSERT INTO app.a VALUES (0, 'warm-up')");
      CaptureFixture.read(servers, List.of(db + ".app.a"), e -> !e.isEmpty(), Duration.ofSeconds(60));
      CaptureFixture.execute(servers, db, "BEGIN; INSERT INTO app.a VALUES (1, 'x'), (2, 'y'); "
          + "INSERT INTO app.b VALUES (1, 'z'); UPDATE app.a SET v = 'w' WHERE id = 1; COMMIT");

      List<CaptureFixture.Event> events = CaptureFixture.read(servers,
          List.of(db + ".app.a", db + ".app.b", db + ".transaction"),
          e -> e.stream().anyMatch(x -> "END".equals(x.op) && x.payload().get("event_count").asInt() == 4),
          Duration.ofSeconds(60));
      assertThat(capture.stop()).isEqualTo(0);

      List<CaptureFixture.Event> changes = events.stream().filter(e -> !e.topic.endsWith(".transaction"))
          .filter(e -> e.key.get("id").asInt() > 0).collect(Collectors.toList());
      assertThat(changes).hasSize(4);
      // Debezium's PostgreSQL transaction id is "xid:lsn" with the lsn of the event; the xid identifies the transaction.
      String txId = xid(changes.get(0).payload().get("transaction").get("id").asText());
      assertThat(changes).allSatisfy(e -> assertThat(xid(e.payload().get("transaction").get("id").asText())).isEqualTo(txId));
      assertThat(changes).extracting(e -> e.payload().get("transaction").get("total_order").asInt())
          .containsExactlyInAnyOrder(1, 2, 3, 4);
      JsonNode end = events.stream().filter(e -> "END".equals(e.op))
          .filter(e -> xid(e.payload().get("id").asText()).equals(txId)).findFirst().orElseThrow().payload();
      assertThat(end.get("event_count").asInt()).isEqualTo(4);
      assertThat(events).filteredOn(e -> e.topic.endsWith(".transaction"))
          .allSatisfy(e -> assertThat(e.table).isEqualTo(ChangeHeaders.TRANSACTION_TABLE));
    }
  }

  @Test
  void takesAnAdHocIncrementalSnapshotOfOneTableWithoutStopping(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "signal");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE TABLE app.t (id int PRIMARY KEY, v text)",
        "INSERT INTO app.t SELECT g, 'row ' || g FROM generate_series(1, 50) g");
    PipelineConfig config = CaptureFixture.config(servers, db, workDir, List.of("app.t"), null);
    String topic = db + ".app.t";

    try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
      CaptureFixture.read(servers, List.of(topic), e -> e.size() >= 50, Duration.ofSeconds(60));
      CaptureFixture.execute(servers, db, "INSERT INTO lakesync.signal (id, type, data) VALUES ('resnap-1', "
          + "'execute-snapshot', '{\"data-collections\": [\"app.t\"], \"type\": \"incremental\"}')");

      List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of(topic), e -> e.size() >= 100,
          Duration.ofSeconds(60));
      assertThat(capture.stop()).isEqualTo(0);
      assertThat(events).hasSize(100);
      assertThat(events.subList(50, 100)).allSatisfy(e -> assertThat(e.op).isEqualTo("r"));
      assertThat(events.subList(50, 100)).extracting(e -> e.key.get("id").asInt())
          .containsExactlyInAnyOrderElementsOf(events.subList(0, 50).stream().map(e -> e.key.get("id").asInt())
              .collect(Collectors.toList()));
    }
  }

  private static void assertExactValues(CaptureFixture.Event event, long id, String op) {
    assertThat(event.op).isEqualTo(op);
    assertThat(event.key.get("id").asLong()).isEqualTo(id);
    JsonNode after = event.after();
    assertThat(after.get("amount").asText()).isEqualTo("12345678901234.123456");
    assertThat(after.get("price").asText()).isEqualTo("0.10");
    assertThat(after.get("happened_at").asText()).isEqualTo("2026-01-02T01:04:05.123456Z");
    assertThat(after.get("local_ts").asLong()).isEqualTo(micros(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000)));
    assertThat(after.get("day").asInt()).isEqualTo(LocalDate.of(2026, 1, 2).toEpochDay());
    assertThat(after.get("uid").asText()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(after.get("doc").asText()).isEqualTo("{\"a\": [1, 2, {\"b\": \"c\"}]}");
    assertThat(after.get("big").asText()).hasSize(700 * 32).startsWith("c4ca4238a0b923820dcc509a6f75849b");
    assertThat(after.get("flag").asBoolean()).isTrue();
    assertThat(event.value.get("schema").get("fields")).isNotEmpty();
    JsonNode amountSchema = fieldSchema(event.value.get("schema"), "after", "amount");
    assertThat(amountSchema.get("parameters").get("__debezium.source.column.type").asText()).isEqualTo("NUMERIC");
    assertThat(amountSchema.get("parameters").get("__debezium.source.column.length").asText()).isEqualTo("20");
    assertThat(amountSchema.get("parameters").get("__debezium.source.column.scale").asText()).isEqualTo("6");
  }

  private static JsonNode fieldSchema(JsonNode envelopeSchema, String struct, String column) {
    for (JsonNode part : envelopeSchema.get("fields")) {
      if (part.get("field").asText().equals(struct)) {
        for (JsonNode field : part.get("fields")) {
          if (field.get("field").asText().equals(column)) {
            return field;
          }
        }
      }
    }
    throw new AssertionError("no schema for " + struct + "." + column);
  }

  private static String xid(String transactionId) {
    return transactionId.substring(0, transactionId.indexOf(':'));
  }

  private static long micros(LocalDateTime time) {
    return ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), time.atOffset(ZoneOffset.UTC).toLocalDateTime());
  }
}
