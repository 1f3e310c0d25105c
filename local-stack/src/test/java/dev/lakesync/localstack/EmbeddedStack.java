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
    private final LocalStack stack;

    Servers(LocalStack stack) {
      this.stack = stack;
    }

    public Path workDir() {
      return stack.workDir();
    }

    public EmbeddedPostgresServer postgres() {
      return stack.postgres();
    }

    public EmbeddedKafkaBroker kafka() {
      return stack.kafka();
    }

    @Override
    public void close() {
      stack.close();
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
        return new Servers(new LocalStack(workDir, postgres, kafka));
      } catch (RuntimeException e) {
        postgres.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
