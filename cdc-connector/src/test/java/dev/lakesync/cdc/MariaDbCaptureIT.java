package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.localstack.EmbeddedMariaDb;
import dev.lakesync.localstack.EmbeddedStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture from a real MariaDB with the row-based binlog (the server from Debian's mariadb-server package, started
 * here on a private data folder). Where MariaDB is not installed the test is skipped and says so.
 */
@ExtendWith(EmbeddedStack.class)
class MariaDbCaptureIT {
  @TempDir
  Path dir;

  @Test
  void capturesSnapshotAndBinlogChangesFromMariaDb(EmbeddedStack.Servers servers) throws Exception {
    try (EmbeddedMariaDb mariadb = EmbeddedMariaDb.startOrSkip(dir, "MariaDbCaptureIT")) {
      mariadb.execute("CREATE DATABASE shop",
          "CREATE TABLE shop.orders (id int PRIMARY KEY, amount decimal(12, 2) NOT NULL, note varchar(50), created datetime(6))",
          "INSERT INTO shop.orders VALUES (1, 10.50, 'first', '2026-01-02 03:04:05.123456')");
      PipelineConfig config = new PipelineConfigLoader(name -> null).parse(String.join("\n",
          "name: maria",
          "workDir: " + dir.resolve("work"),
          "source: {type: mariadb, host: 127.0.0.1, port: " + mariadb.port() + ", database: shop, user: root, password: '',",
          "         debezium: {database.ssl.mode: disabled}}",
          "broker: {bootstrapServers: '" + servers.kafka().bootstrapServers() + "', topicPrefix: maria}",
          "lake: {root: " + dir.resolve("lake") + "}",
          "tables: [{name: shop.orders, key: [id]}]", ""), "maria");

      try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
        List<CaptureFixture.Event> snapshot = CaptureFixture.read(servers, List.of("maria.shop.orders"), e -> !e.isEmpty(),
            Duration.ofSeconds(90));
        assertThat(snapshot).as(capture.output()).hasSize(1);
        mariadb.execute("INSERT INTO shop.orders VALUES (2, 99999999.99, 'second', '1999-12-31 23:59:59.999999')",
            "UPDATE shop.orders SET note = 'changed' WHERE id = 2", "DELETE FROM shop.orders WHERE id = 1");

        List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of("maria.shop.orders"), e -> e.size() >= 4,
            Duration.ofSeconds(60));
        assertThat(capture.stop()).isEqualTo(0);
        assertThat(events).extracting(e -> e.op).containsExactly("r", "c", "u", "d");
        assertThat(events).extracting(e -> e.table).containsOnly("shop.orders");
        assertThat(events.get(0).after().get("amount").asText()).isEqualTo("10.50");
        assertThat(events.get(1).after().get("amount").asText()).isEqualTo("99999999.99");
        assertThat(events.get(2).after().get("note").asText()).isEqualTo("changed");
        assertThat(events.get(3).key.get("id").asInt()).isEqualTo(1);
        assertThat(events.get(1).payload().get("source").get("file").asText()).startsWith("binlog");
      }

      // Changes made while capture is down, right after streamed ones, are all captured when it starts again.
      mariadb.execute("INSERT INTO shop.orders VALUES (3, 3.00, 'third', NULL)", "DELETE FROM shop.orders WHERE id = 2");
      try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
        List<CaptureFixture.Event> events = CaptureFixture.read(servers, List.of("maria.shop.orders"),
            e -> e.stream().anyMatch(event -> "d".equals(event.op) && event.key.get("id").asInt() == 2), Duration.ofSeconds(60));
        assertThat(capture.stop()).isEqualTo(0);
        assertThat(events.stream().filter(event -> !"r".equals(event.op)).map(event -> event.op + event.key.get("id").asInt()))
            .as(capture.output()).containsSubsequence("c2", "u2", "d1", "c3", "d2");
      }
    }
  }
}
