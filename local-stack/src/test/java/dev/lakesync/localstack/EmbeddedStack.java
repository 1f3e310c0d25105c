package dev.lakesync.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts the embedded PostgreSQL and Kafka broker once per test JVM (on free ports, in a
 * temporary folder) and hands them to test methods and constructors as an {@link EmbeddedStack.Servers}
 * parameter. Shared by every module's integration tests through the local-stack test-jar.
 */
public final class EmbeddedStack implements ParameterResolver {
  /** The running servers; stopped when the test JVM's root context closes. */
  public static final class Servers implements ExtensionContext.Store.CloseableResource {
    private final Path workDir;
    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;

    Servers(Path workDir, EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
      this.workDir = workDir;
      this.postgres = postgres;
      this.kafka = kafka;
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

    @Override
    public void close() {
      try {
        kafka.close();
      } finally {
        postgres.close();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Servers.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Servers.class, key -> start(), Servers.class);
  }

  private static Servers start() {
    try {
      Path workDir = Files.createTempDirectory("lakesync-it-");
      EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(workDir.resolve("postgres"), PortCheck.findFree());
      try {
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), PortCheck.findFree(), PortCheck.findFree());
        return new Servers(workDir, postgres, kafka);
      } catch (RuntimeException e) {
        postgres.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
