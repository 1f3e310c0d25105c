package dev.lakesync.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerIT {

  @Test
  void restartsOnTheSamePortAndDataAfterFastAndImmediateShutdownsWithSessionsOpen(@TempDir Path dir) throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, PortCheck.findFree());
    int port = server.port();
    try {
      try (Connection connection = server.connect("bank"); Statement statement = connection.createStatement()) {
        statement.execute("SET synchronous_commit = on");
        statement.execute("CREATE TABLE kept (id int PRIMARY KEY)");
        statement.execute("INSERT INTO kept VALUES (1)");
      }
      for (boolean immediate : new boolean[] {false, true}) {
        // A session left open and busy, as the pipeline's stages leave theirs: the shutdown must cut it.
        Connection open = server.connect("bank");
        open.setAutoCommit(false);
        try (Statement busy = open.createStatement()) {
          busy.execute("INSERT INTO kept VALUES (" + (immediate ? 3 : 2) + ")");
        }
        server = server.restart(immediate, Duration.ofMillis(100));
        open.close();
        assertThat(server.port()).isEqualTo(port);
        try (Connection connection = server.connect("bank"); Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("SELECT count(*), min(id), max(id) FROM kept")) {
          rows.next();
          assertThat(rows.getLong(1)).as("the committed row and none of the open transactions'").isEqualTo(1);
          assertThat(rows.getInt(2)).isEqualTo(1);
        }
      }
    } finally {
      server.close();
    }
  }
}
