package dev.lakesync.localstack;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code lakesync stack} in its own JVM, for tests: the way a user runs it, and the way modules whose classpath
 * cannot host the broker (Spark's Scala 2.12 next to Kafka's Scala 2.13) get a PostgreSQL and a broker. Uses the
 * local-stack build of the checkout ({@code local-stack/target/classes} and {@code target/lib}).
 */
public final class StackProcess implements AutoCloseable {
  private final Process process;
  private final Path config;
  private final int pgPort;
  private final int kafkaPort;
  private final long postgresPid;
  private final List<String> lines;
  private final Thread reader;

  private StackProcess(Process process, Path config, int pgPort, int kafkaPort, long postgresPid, List<String> lines,
      Thread reader) {
    this.process = process;
    this.config = config;
    this.pgPort = pgPort;
    this.kafkaPort = kafkaPort;
    this.postgresPid = postgresPid;
    this.lines = lines;
    this.reader = reader;
  }

  /** Writes a pipeline config on free ports with a small seed under {@code dir}; the stack's data goes to dir/work. */
  public static Path writeConfig(Path dir) throws IOException {
    return writeConfig(dir, "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, "
        + "{name: bank.payments, key: [id]}]");
  }

  /** As {@link #writeConfig(Path)} with the given {@code tables:} section (YAML, may hold rules). */
  public static Path writeConfig(Path dir, String tablesYaml) throws IOException {
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(config, String.join("\n",
        "workDir: " + dir.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + PortCheck.findFree()
            + ", database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:" + PortCheck.findFree() + "'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        tablesYaml,
        "localStack: {kafkaControllerPort: " + PortCheck.findFree() + ", customers: 50, accountsPerCustomer: 1, payments: 100}",
        ""));
    return config;
  }

  /** Starts the stack of {@code config} and waits until it is ready (two minutes at most). */
  public static StackProcess start(Path repositoryRoot, Path config) throws Exception {
    Path target = repositoryRoot.resolve("local-stack/target");
    String classpath = target.resolve("classes").toAbsolutePath() + File.pathSeparator
        + target.resolve("lib").toAbsolutePath() + File.separator + "*";
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        classpath, StackMain.class.getName(), "--config", config.toString())
        .redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
          if (line.startsWith("Press Ctrl-C")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("the stack exited before it was ready"));
    }, "stack-process-output");
    reader.start();
    try {
      ready.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("lakesync stack did not become ready: " + lines, e);
    }
    dev.lakesync.common.config.PipelineConfig parsed = new dev.lakesync.common.config.PipelineConfigLoader(name -> null)
        .load(config);
    Path pid = parsed.workDir().resolve("postgres/postmaster.pid");
    long postgresPid = Long.parseLong(Files.readAllLines(pid).get(0).trim());
    String bootstrap = parsed.broker().bootstrapServers().get(0);
    return new StackProcess(process, config, parsed.source().port(),
        Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)), postgresPid, lines, reader);
  }

  public Path config() {
    return config;
  }

  public int pgPort() {
    return pgPort;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + database;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  public int kafkaPort() {
    return kafkaPort;
  }

  public long postgresPid() {
    return postgresPid;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the stack printed so far. */
  public List<String> output() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /**
   * Stops the stack with SIGTERM, as a service manager does, and waits until it and its PostgreSQL have exited.
   * Returns everything the stack printed.
   */
  public List<String> stop() throws InterruptedException {
    // ProcessHandle.destroy sends SIGTERM without closing the output we still read (Process.destroy would).
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("lakesync stack did not stop within a minute: " + output());
    }
    reader.join(10_000);
    // pg_ctl returns once the server stopped accepting; the postmaster's exit follows within moments.
    Awaitility.await("PostgreSQL " + postgresPid + " exits").atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.of(postgresPid).map(handle -> !handle.isAlive()).orElse(true));
    return output();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
