package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.localstack.EmbeddedStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the captured table idle and an uncaptured table busy, heartbeats keep the replication slot moving, so
 * PostgreSQL does not keep WAL forever. A slot nobody reads, created alongside, shows what happens without them.
 */
@ExtendWith(EmbeddedStack.class)
class HeartbeatIT {
  private static final long MB = 1024 * 1024;

  @TempDir
  Path workDir;

  @Test
  void keepsTheSlotsRetainedWalBoundedWhileCapturedTablesAreIdle(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "heartbeat");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE TABLE app.idle (id int PRIMARY KEY)",
        "CREATE TABLE app.busy (id int PRIMARY KEY, pad text)");
    PipelineConfig config = CaptureFixture.config(servers, db, workDir, List.of("app.idle"), null);

    try (CaptureFixture.Running capture = new CaptureFixture.Running(config, new CaptureService.Options())) {
      CaptureFixture.execute(servers, db, "INSERT INTO app.idle VALUES (1)");
      CaptureFixture.read(servers, List.of(db + ".app.idle"), events -> !events.isEmpty(), Duration.ofSeconds(60));
      CaptureFixture.execute(servers, db, "SELECT pg_create_logical_replication_slot('" + db + "_unread', 'test_decoding')");

      CaptureFixture.execute(servers, db,
          "INSERT INTO app.busy SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, 150000) g");

      AtomicLong unread = new AtomicLong();
      Awaitility.await("the capture slot's retained WAL drops below 8 MB").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            unread.set(retainedBytes(servers, db, db + "_unread"));
            return retainedBytes(servers, db, db) < 8 * MB;
          });
      assertThat(unread.get()).as("WAL kept by a slot without heartbeats").isGreaterThan(50 * MB);
      System.out.printf("heartbeat test: capture slot retains %d KB, an unread slot %d MB%n",
          retainedBytes(servers, db, db) / 1024, unread.get() / MB);
      CaptureFixture.execute(servers, db, "SELECT pg_drop_replication_slot('" + db + "_unread')");
      assertThat(capture.stop()).isEqualTo(0);
    }
  }

  private static long retainedBytes(EmbeddedStack.Servers servers, String db, String slot) throws SQLException {
    try (Connection connection = servers.postgres().connect(db);
         PreparedStatement query = connection.prepareStatement(
             "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
      query.setString(1, slot);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
