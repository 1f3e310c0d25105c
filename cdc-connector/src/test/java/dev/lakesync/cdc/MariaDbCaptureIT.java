package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import dev.lakesync.localstack.EmbeddedStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture from a real MariaDB with the row-based binlog (the server from Debian's mariadb-server package, started
 * here on a private data folder). Where MariaDB is not installed the test is skipped and says so.
 */
@ExtendWith(EmbeddedStack.class)
class MariaDbCaptureIT {
  private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

  @TempDir
  Path dir;

  @Test
  void capturesSnapshotAndBinlogChangesFromMariaDb(EmbeddedStack.Servers servers) throws Exception {
    if (!Files.isExecutable(SERVER) || !Files.isExecutable(INSTALL_DB)) {
      System.out.println("MariaDbCaptureIT: SKIPPED, no MariaDB server installed (apt-get install mariadb-server)");
      Assumptions.abort("no MariaDB server installed (apt-get install mariadb-server); MariaDB capture not tested");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path data = dir.resolve("data");
    run(List.of(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
        "--user=root", "--skip-test-db"));
    Process mariadb = new ProcessBuilder(SERVER.toString(), "--no-defaults", "--datadir=" + data, "--port=" + port,
        "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadb.sock"), "--log-bin=" + data.resolve("binlog"),
        "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1", "--user=root")
        .redirectErrorStream(true).redirectOutput(dir.resolve("mariadb.log").toFile()).start();
    try {
      String url = "jdbc:mysql://127.0.0.1:" + port + "/?allowPublicKeyRetrieval=true&useSSL=false";
      execute(url, 30, "CREATE DATABASE shop",
          "CREATE TABLE shop.orders (id int PRIMARY KEY, amount decimal(12, 2) NOT NULL, note varchar(50), created datetime(6))",
          "INSERT INTO shop.orders VALUES (1, 10.50, 'first', '2026-01-02 03:04:05.123456')");
      PipelineConfig config = new PipelineConfigLoader(name -> null).parse(String.join("\n",
          "name: maria",
          "workDir: " + dir.resolve("work"),
          "source: {type: mariadb, host: 127.0.0.1, port: " + port + ", database: shop, user: root, password: '',",
          "         debezium: {database.ssl.mode: disabled}}",
          "broker: {bootstrapServers: '" + servers.kafka().bootstrapServers() + "', topicPrefix: maria}",
          "lake: {root: " + dir.resolve("lake") + "}",
          "tables: [{name: shop.orders, key: [id]}]", ""), "maria");

      try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
        List<CaptureFixture.Event> snapshot = CaptureFixture.read(servers, List.of("maria.shop.orders"), e -> !e.isEmpty(),
            Duration.ofSeconds(90));
        assertThat(snapshot).as(capture.output()).hasSize(1);
        execute(url, 5, "INSERT INTO shop.orders VALUES (2, 99999999.99, 'second', '1999-12-31 23:59:59.999999')",
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
    } finally {
      mariadb.destroy();
      mariadb.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("mariadb-install-db failed:\n" + Files.readString(dir.resolve("install.log")));
    }
  }

  /** Runs statements, retrying the connection for up to {@code waitSeconds} while the server starts. */
  private static void execute(String url, int waitSeconds, String... sql) throws Exception {
    Connection connection = await("MariaDB accepting connections at " + url)
        .atMost(Duration.ofSeconds(waitSeconds)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(SQLException.class)
        .until(() -> DriverManager.getConnection(url, "root", ""), Objects::nonNull);
    try (Connection open = connection; Statement statement = open.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }
}
