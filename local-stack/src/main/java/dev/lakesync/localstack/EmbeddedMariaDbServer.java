package dev.lakesync.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB server with the row-based binlog (Debian's mariadb-server package), started on a private data
 * folder: for the tests and the fuzz, where a MariaDB source is wanted and the package is installed.
 */
public final class EmbeddedMariaDbServer implements AutoCloseable {
  private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

  private final int port;
  private final Process process;

  private EmbeddedMariaDbServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  public static boolean installed() {
    return Files.isExecutable(SERVER) && Files.isExecutable(INSTALL_DB);
  }

  /** Starts a server in {@code dir} (a minute at most); see {@link #installed()}. */
  public static EmbeddedMariaDbServer start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = PortCheck.findFree();
    Path data = dir.resolve("data");
    install(dir, List.of(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + data,
        "--auth-root-authentication-method=normal", "--user=root", "--skip-test-db"));
    Process process = new ProcessBuilder(SERVER.toString(), "--no-defaults", "--datadir=" + data, "--port=" + port,
        "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mariadb.sock"), "--log-bin=" + data.resolve("binlog"),
        "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1", "--user=root")
        .redirectErrorStream(true).redirectOutput(dir.resolve("mariadb.log").toFile()).start();
    EmbeddedMariaDbServer server = new EmbeddedMariaDbServer(port, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        server.connect().close();
        return server;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          server.close();
          throw new IllegalStateException("MariaDB did not start:\n" + Files.readString(dir.resolve("mariadb.log")), e);
        }
        Thread.sleep(200);
      }
    }
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
      throw new IllegalStateException("mariadb-install-db failed:\n" + Files.readString(log));
    }
  }
}
