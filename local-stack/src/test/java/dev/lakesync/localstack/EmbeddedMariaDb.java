package dev.lakesync.localstack;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
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

/**
 * A real MariaDB server with the row-based binlog (Debian's mariadb-server package), started on a private data
 * folder for one test. Where MariaDB is not installed the test is skipped and says so.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
  private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

  private final int port;
  private final Process process;

  private EmbeddedMariaDb(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts a server in {@code dir}, or aborts {@code test} (skipped, with a line saying why) without MariaDB. */
  public static EmbeddedMariaDb startOrSkip(Path dir, String test) throws Exception {
    if (!Files.isExecutable(SERVER) || !Files.isExecutable(INSTALL_DB)) {
      System.out.println(test + ": SKIPPED, no MariaDB server installed (apt-get install mariadb-server)");
      Assumptions.abort("no MariaDB server installed (apt-get install mariadb-server); " + test + " not run");
    }
    int port = PortCheck.findFree();
    Path data = dir.resolve("data");
    install(dir, List.of(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data,
        "--auth-root-authentication-method=normal", "--user=root", "--skip-test-db"));
    Process process = new ProcessBuilder(SERVER.toString(), "--no-defaults", "--datadir=" + data, "--port=" + port,
        "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadb.sock"), "--log-bin=" + data.resolve("binlog"),
        "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1", "--user=root")
        .redirectErrorStream(true).redirectOutput(dir.resolve("mariadb.log").toFile()).start();
    EmbeddedMariaDb server = new EmbeddedMariaDb(port, process);
    try {
      await("MariaDB accepting connections on port " + port).atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(SQLException.class)
          .until(() -> { server.connect().close(); return true; });
    } catch (RuntimeException e) {
      server.close();
      throw new AssertionError("MariaDB did not start:\n" + Files.readString(dir.resolve("mariadb.log")), e);
    }
    return server;
  }

  public int port() {
    return port;
  }

  /** The server, no database selected; user root without a password. */
  public String jdbcUrl() {
    return "jdbc:mysql://127.0.0.1:" + port + "/?allowPublicKeyRetrieval=true&useSSL=false";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), "root", "");
  }

  public void execute(String... sql) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      for (String each : sql) {
        statement.execute(each);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static void install(Path dir, List<String> command) throws IOException, InterruptedException {
    Path log = dir.resolve("install.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("mariadb-install-db failed:\n" + Files.readString(log));
    }
  }
}
