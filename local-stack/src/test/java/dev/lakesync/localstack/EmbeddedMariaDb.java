package dev.lakesync.localstack;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/** {@link EmbeddedMariaDbServer} for one test; where MariaDB is not installed the test is skipped and says so. */
public final class EmbeddedMariaDb implements AutoCloseable {
  private final EmbeddedMariaDbServer server;

  private EmbeddedMariaDb(EmbeddedMariaDbServer server) {
    this.server = server;
  }

  /** Starts a server in {@code dir}, or aborts {@code test} (skipped, with a line saying why) without MariaDB. */
  public static EmbeddedMariaDb startOrSkip(Path dir, String test) throws Exception {
    if (!EmbeddedMariaDbServer.installed()) {
      System.out.println(test + ": SKIPPED, no MariaDB server installed (apt-get install mariadb-server)");
      Assumptions.abort("no MariaDB server installed (apt-get install mariadb-server); " + test + " not run");
    }
    return new EmbeddedMariaDb(EmbeddedMariaDbServer.start(dir));
  }

  public int port() {
    return server.port();
  }

  public String jdbcUrl() {
    return server.jdbcUrl();
  }

  public Connection connect() throws SQLException {
    return server.connect();
  }

  public void execute(String... sql) throws SQLException {
    server.execute(sql);
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
  }
}
