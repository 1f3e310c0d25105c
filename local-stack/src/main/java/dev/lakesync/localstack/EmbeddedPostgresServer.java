package dev.lakesync.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 14 from Maven (zonky), configured for logical decoding, with its data kept in a folder so that a
 * restart finds the same databases. Creates the databases the pipeline uses; closing stops the server.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  /** The source database and the local targets, all on one server. */
  public static final List<String> DATABASES = List.of("bank", "warehouse", "serving");
  public static final String USER = "postgres";

  private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(120);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /** Starts (initdb on first use) with data under {@code dataDir} on {@code port}. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    PortCheck.requireFree("PostgreSQL", port, "LAKESYNC_PG_PORT");
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(Duration.ofSeconds(30))
          // zonky starts with -F (fsync off); the work folder is meant to survive, so turn it back on.
          .setServerConfig("fsync", "on")
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_wal_senders", "10")
          .setServerConfig("max_replication_slots", "10")
          .setServerConfig("listen_addresses", "127.0.0.1")
          // The demo favours throughput over durability of the last few commits (nothing is corrupted on a crash);
          // a short writer delay keeps logical decoding, which reads only flushed WAL, close behind the commits.
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("wal_writer_delay", "10ms")
          .setServerConfig("max_connections", "100")
          .start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, dataDir);
      server.createDatabases();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL on port " + port + " with data in " + dataDir
          + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  public DataSource dataSource(String database) {
    return postgres.getDatabase(USER, database);
  }

  public Connection connect(String database) throws SQLException {
    return dataSource(database).getConnection();
  }

  /** Creates {@code database} unless it exists (a database the config names beside the three of every stack). */
  public void createDatabase(String database) {
    if (!dev.lakesync.common.Identifiers.isValid(database)) {
      throw new IllegalArgumentException("source.database '" + database + "' is not a plain name the local stack can "
          + "create (letters, digits, underscores)");
    }
    createDatabases(List.of(database));
  }

  private void createDatabases() {
    createDatabases(DATABASES);
  }

  private void createDatabases(List<String> databases) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      for (String database : databases) {
        boolean exists;
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
          query.setString(1, database);
          try (ResultSet rows = query.executeQuery()) {
            exists = rows.next();
          }
        }
        if (!exists) {
          try (Statement statement = connection.createStatement()) {
            // Names are checked plain identifiers (or the constant list above).
            statement.execute("CREATE DATABASE \"" + database + "\"");
          }
          LOG.info("created database {}", database);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the demo databases: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the server the way an operator or a crash would: {@code immediate} is PostgreSQL's immediate shutdown
   * (SIGQUIT: no checkpoint, crash recovery on the next start), otherwise its fast shutdown (SIGINT: sessions cut, a
   * checkpoint written). Returns once the postmaster has exited, so its port is free; start it again with
   * {@link #start}. The embedded server's own stop gives up after a few seconds, too soon for a checkpoint under load.
   */
  public void kill(boolean immediate) {
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("PostgreSQL in " + dataDir + " is not running (no readable postmaster.pid)", e);
    }
    ProcessHandle postmaster = ProcessHandle.of(pid)
        .orElseThrow(() -> new IllegalStateException("PostgreSQL's postmaster (pid " + pid + ") is not running"));
    try {
      Process signal = new ProcessBuilder("kill", immediate ? "-QUIT" : "-INT", Long.toString(pid)).inheritIO().start();
      if (signal.waitFor() != 0) {
        throw new IllegalStateException("kill " + pid + " failed with status " + signal.exitValue());
      }
      postmaster.onExit().get(SHUTDOWN_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot stop PostgreSQL (pid " + pid + ") within " + SHUTDOWN_LIMIT.toSeconds()
          + " s: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping PostgreSQL", e);
    }
    close(); // releases the data folder's lock; its own stop finds the server gone
  }

  /** {@link #kill}, a pause, and a start on the same data and port; returns the new server. */
  public EmbeddedPostgresServer restart(boolean immediate, java.time.Duration down) throws InterruptedException {
    int port = port();
    kill(immediate);
    Thread.sleep(down.toMillis());
    return start(dataDir, port);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
