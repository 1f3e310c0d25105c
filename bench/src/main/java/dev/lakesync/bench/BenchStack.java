package dev.lakesync.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code lakesync stack} as a child process for a benchmark: its broker (Scala 2.13) cannot share the JVM of Spark
 * (Scala 2.12). Uses the local-stack build under the lakesync home; output goes to a log file.
 */
public final class BenchStack implements AutoCloseable {
  private final Process process;

  private BenchStack(Process process) {
    this.process = process;
  }

  public static BenchStack start(Path home, Path config, Path log) throws IOException, InterruptedException {
    Path target = home.resolve("local-stack/target");
    File[] jars = target.toFile().listFiles((dir, name) -> name.startsWith("lakesync-local-stack-")
        && name.endsWith(".jar") && !name.contains("tests"));
    if (jars == null || jars.length == 0) {
      throw new IllegalStateException("the local-stack jar is missing under " + target + " (build with ./lakesync)");
    }
    String classpath = jars[0] + File.pathSeparator + target.resolve("lib") + File.separator + "*";
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        classpath, "dev.lakesync.localstack.StackMain", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    BenchStack stack = new BenchStack(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(log, StandardCharsets.UTF_8).contains("Press Ctrl-C")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        stack.close();
        throw new IllegalStateException("lakesync stack did not become ready; see " + log + ":\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      Thread.sleep(100);
    }
    return stack;
  }

  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy(); // SIGTERM: the stack stops PostgreSQL and the broker cleanly
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
