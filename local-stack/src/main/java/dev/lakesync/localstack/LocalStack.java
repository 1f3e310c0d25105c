package dev.lakesync.localstack;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.SourceConfig;
import dev.lakesync.common.config.TableConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded servers a laptop pipeline needs: PostgreSQL (source, warehouse and serving databases) and a Kafka
 * broker, with data under the pipeline's work folder. Ports come from the pipeline config. Closing stops both.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  private static final String MARKER = ".lakesync-workdir";

  private final Path workDir;
  private volatile EmbeddedPostgresServer postgres;
  private volatile EmbeddedKafkaBroker kafka;

  /** Wraps servers already started (tests start them on free ports without a pipeline config). */
  LocalStack(Path workDir, EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
    this.workDir = workDir;
    this.postgres = postgres;
    this.kafka = kafka;
  }

  /**
   * Starts PostgreSQL (creating the source database and seeding it on first start, see {@code localStack.seed}) and
   * Kafka; {@code fresh} wipes the work folder first.
   */
  public static LocalStack start(PipelineConfig config, LocalStackConfig settings, boolean fresh) {
    SourceConfig source = config.source();
    if (source.type() != SourceConfig.Type.POSTGRESQL) {
      throw new IllegalArgumentException("the local stack runs PostgreSQL only, but source.type is "
          + source.type().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (!isLoopback(source.host())) {
      throw new IllegalArgumentException("the local stack listens on 127.0.0.1, but source.host is " + source.host());
    }
    String bootstrap = config.broker().bootstrapServers().get(0);
    int kafkaPort = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    if (!isLoopback(bootstrap.substring(0, bootstrap.lastIndexOf(':')))) {
      throw new IllegalArgumentException("the local stack listens on 127.0.0.1, but broker.bootstrapServers is " + bootstrap);
    }

    Path workDir = config.workDir().toAbsolutePath().normalize();
    prepareWorkDir(workDir, fresh);
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(workDir.resolve("postgres"), source.port());
    try {
      postgres.createDatabase(source.database());
      try (Connection connection = postgres.connect(source.database())) {
        seed(config, settings, connection);
      }
      EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), kafkaPort,
          settings.kafkaControllerPort(config));
      return new LocalStack(workDir, postgres, kafka);
    } catch (SQLException | RuntimeException e) {
      postgres.close();
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new IllegalStateException("cannot prepare the source database: " + e.getMessage(), e);
    }
  }

  /** Seeds the source as {@code localStack.seed} says, once: a restart keeps what the workload did. */
  private static void seed(PipelineConfig config, LocalStackConfig settings, Connection connection) throws SQLException {
    String seed = settings.seed();
    if (seed.equals(LocalStackConfig.SEED_BANK)) {
      DemoBank.createSchema(connection);
      DemoBank.seedIfEmpty(connection, settings.customers(), settings.accountsPerCustomer(), settings.payments(), 42L);
    } else if (!seed.equals(LocalStackConfig.SEED_NONE) && !anyTableExists(config, connection)) {
      Path file = Path.of(seed);
      if (!file.isAbsolute()) {
        file = Path.of(System.getProperty("lakesync.home", ".")).resolve(file);
      }
      String sql;
      try {
        sql = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("localStack.seed: cannot read " + file + ": " + e.getMessage(), e);
      }
      long started = System.nanoTime();
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
      LOG.info("seeded {} from {} in {} ms", config.source().database(), file, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static boolean anyTableExists(PipelineConfig config, Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
      for (TableConfig table : config.tables()) {
        query.setString(1, table.schema());
        query.setString(2, table.table());
        try (ResultSet rows = query.executeQuery()) {
          if (rows.next()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }

  /**
   * Creates the work folder, or wipes it with {@code fresh}; refuses to wipe a folder lakesync did not create, so
   * that a mistyped workDir never deletes someone's files.
   */
  static void prepareWorkDir(Path workDir, boolean fresh) {
    try {
      if (fresh && Files.exists(workDir)) {
        boolean ours = Files.exists(workDir.resolve(MARKER));
        boolean empty;
        try (Stream<Path> entries = Files.list(workDir)) {
          empty = entries.findAny().isEmpty();
        }
        if (!ours && !empty) {
          throw new IllegalStateException("refusing to wipe " + workDir + ": it was not created by lakesync (no "
              + MARKER + " file in it)");
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        LOG.info("wiped {}", workDir);
      }
      Files.createDirectories(workDir);
      Path marker = workDir.resolve(MARKER);
      if (!Files.exists(marker)) {
        Files.writeString(marker, "lakesync work folder: embedded servers' data, offsets and state. Safe to delete.\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the work folder " + workDir + ": " + e.getMessage(), e);
    }
  }

  public Path workDir() {
    return workDir;
  }

  public EmbeddedPostgresServer postgres() {
    return postgres;
  }

  public EmbeddedKafkaBroker kafka() {
    return kafka;
  }

  /** Stops the broker, waits {@code down}, and starts it again on the same data and port. */
  public void restartKafka(java.time.Duration down) throws InterruptedException {
    kafka = kafka.restart(down);
  }

  /**
   * Stops PostgreSQL (fast shutdown, or {@code immediate}: as after a crash), waits {@code down}, and starts it again
   * on the same data and port. Every database of the stack (source, warehouse, serving) goes down with it.
   */
  public void restartPostgres(boolean immediate, java.time.Duration down) throws InterruptedException {
    postgres = postgres.restart(immediate, down);
  }

  /** Where things listen and how to connect, for the console. */
  public String describe(String sourceDatabase) {
    return String.join(System.lineSeparator(),
        "  PostgreSQL  psql postgresql://" + EmbeddedPostgresServer.USER + "@127.0.0.1:" + postgres.port() + "/"
            + sourceDatabase + "   (databases: " + String.join(", ", EmbeddedPostgresServer.DATABASES) + ")",
        "              JDBC " + postgres.jdbcUrl(sourceDatabase) + " user " + EmbeddedPostgresServer.USER,
        "  Kafka       bootstrap servers " + kafka.bootstrapServers(),
        "  data        " + workDir + "   (kept across restarts; --fresh wipes it)");
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}
