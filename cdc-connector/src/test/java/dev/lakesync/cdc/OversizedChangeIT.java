package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.localstack.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change larger than the broker's request limit neither stops capture nor disappears: a marker naming its size and
 * the file that keeps it takes its place on the topic, and the changes after it are published as usual.
 */
@ExtendWith(EmbeddedStack.class)
class OversizedChangeIT {
  @TempDir
  Path dir;

  @Test
  void aChangeTooLargeForTheBrokerIsKeptInAFileAndMarkedOnTheTopic(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "oversized");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE TABLE app.notes (id int PRIMARY KEY, body text)");
    PipelineConfig config = new PipelineConfigLoader(name -> null).parse(String.join("\n",
        "name: " + db,
        "workDir: " + dir.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + servers.postgres().port() + ", database: " + db
            + ", user: postgres, password: x, slotName: " + db + ", publication: " + db + "}",
        "broker: {bootstrapServers: '" + servers.kafka().bootstrapServers() + "', topicPrefix: " + db
            + ", kafka: {max.request.size: 20000}}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: app.notes, key: [id]}]", ""), "test");
    String topic = db + ".app.notes";

    try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
      CaptureFixture.execute(servers, db, "INSERT INTO app.notes VALUES (1, 'small')");
      // Once this row arrives the snapshot is done: the large change that follows is streamed, in a transaction.
      CaptureFixture.read(servers, List.of(topic), e -> !e.isEmpty(), Duration.ofSeconds(90));
      CaptureFixture.execute(servers, db,
          "INSERT INTO app.notes VALUES (2, (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 2000) i))",
          "INSERT INTO app.notes VALUES (3, 'after')");
      List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of(topic), e -> e.size() >= 3,
          Duration.ofSeconds(90));
      assertThat(events).as(capture.output()).extracting(e -> e.key.get("id").asInt()).containsExactly(1, 2, 3);
      assertThat(events.get(0).after().get("body").asText()).isEqualTo("small");
      assertThat(events.get(2).after().get("body").asText()).isEqualTo("after");

      CaptureFixture.Event marker = events.get(1);
      assertThat(marker.table).isEqualTo("app.notes");
      assertThat(marker.value.get("lakesync_oversized").get("limit").asInt()).isEqualTo(20000);
      assertThat(marker.value.path("transaction").path("id").asText()).as("the change's transaction, for the processor")
          .matches("[0-9]+:[0-9]+");
      assertThat(marker.value.path("transaction").path("data_collection_order").asLong()).isEqualTo(1L);
      assertThat(marker.oversized).startsWith(marker.value.get("lakesync_oversized").get("bytes").asText()
          + " bytes, above the broker's limit of 20000; the change is kept in ");
      Path kept = Path.of(marker.oversized.substring(marker.oversized.indexOf(" kept in ") + 9));
      String file = Files.readString(kept);
      assertThat(file).contains("\"key\":{\"id\":2}").contains("\"body\":\"c4ca4238a0b923820dcc509a6f75849b").hasSizeGreaterThan(64_000);
      assertThat(capture.output()).contains("capture: a change of app.notes (key {\"id\":2}) is ")
          .doesNotContain(file.substring(200, 264));
      assertThat(capture.stop()).isZero();
    }
  }
}
