package dev.lakesync.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code lakesync stack} as its own process, the way a user does: it becomes ready, stops on SIGTERM with no
 * PostgreSQL left behind and its ports free, and a second start finds the data of the first.
 */
class StackCommandIT {
  @TempDir
  Path dir;

  @Test
  void startsStopsCleanlyAndKeepsItsData() throws Exception {
    int pgPort = PortCheck.findFree();
    int kafkaPort = PortCheck.findFree();
    int controllerPort = PortCheck.findFree();
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(config, String.join("\n",
        "workDir: " + dir.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + pgPort + ", database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:" + kafkaPort + "'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]",
        "localStack: {kafkaControllerPort: " + controllerPort + ", customers: 50, accountsPerCustomer: 1, payments: 100}",
        ""));

    List<String> first = runUntilReadyThenTerminate(config, dir.resolve("work/postgres/postmaster.pid"));
    assertThat(first).anyMatch(line -> line.contains("seeded bank: 50 customers, 50 accounts, 100 payments"));
    assertThat(first).anyMatch(line -> line.contains("bootstrap servers 127.0.0.1:" + kafkaPort));
    assertThat(first).anyMatch(line -> line.startsWith("lakesync stack: stopped; data kept in"));
    assertPortFree(pgPort);
    assertPortFree(kafkaPort);

    try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/bank", "postgres", "")) {
      throw new AssertionError("PostgreSQL still answers after the stack stopped: " + connection);
    } catch (java.sql.SQLException expected) {
      // nothing listens any more
    }

    List<String> second = runUntilReadyThenTerminate(config, dir.resolve("work/postgres/postmaster.pid"));
    assertThat(second).noneMatch(line -> line.contains("seeded bank"));
  }

  @Test
  void rejectsABadConfigWithStatus2AndOneLine() throws Exception {
    Path config = dir.resolve("bad.yaml");
    Files.writeString(config, "source: {type: postgresql}\nbroker: {bootstrapServers: nohost}\nlake: {root: /x}\ntables: []\nsurprise: 1\n");

    Process process = start(config);
    List<String> output = readAll(process);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(String.join("\n", output))
        .contains("source.host: is required")
        .contains("broker.bootstrapServers: expected host:port")
        .contains("surprise: unknown key")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  private List<String> runUntilReadyThenTerminate(Path config, Path postmasterPid) throws Exception {
    Process process = start(config);
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
      ready.complete(null);
    });
    reader.start();
    ready.get(120, TimeUnit.SECONDS);
    assertThat(process.isAlive()).as("stack still running after ready: %s", lines).isTrue();
    long postgresPid = Long.parseLong(Files.readAllLines(postmasterPid).get(0).trim());
    assertThat(ProcessHandle.of(postgresPid)).isPresent();

    // SIGTERM, as a service manager stops it (Process.destroy() would also close the output we still read).
    process.toHandle().destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stack stops within a minute").isTrue();
    reader.join(10_000);
    // pg_ctl returns once the server stopped accepting; the postmaster's exit follows within moments.
    Awaitility.await("PostgreSQL " + postgresPid + " exits").atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.of(postgresPid).map(handle -> !handle.isAlive()).orElse(true));
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  private static Process start(Path config) throws IOException {
    String classpath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
        + Path.of("target/lib").toAbsolutePath() + File.separator + "*";
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
        "dev.lakesync.localstack.LakesyncCli", "stack", "--config", config.toString())
        .redirectErrorStream(true)
        .start();
  }

  private static List<String> readAll(Process process) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static void assertPortFree(int port) {
    PortCheck.requireFree("test", port, "none");
  }
}
