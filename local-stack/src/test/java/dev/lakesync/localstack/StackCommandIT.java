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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    Path config = StackProcess.writeConfig(dir);

    StackProcess stack = StackProcess.start(Path.of(".."), config);
    assertThat(stack.isAlive()).isTrue();
    assertThat(ProcessHandle.of(stack.postgresPid())).isPresent();
    List<String> first = stack.stop();
    assertThat(first).anyMatch(line -> line.contains("seeded bank: 50 customers, 50 accounts, 100 payments"));
    assertThat(first).anyMatch(line -> line.contains("bootstrap servers " + stack.bootstrapServers()));
    assertThat(first).anyMatch(line -> line.startsWith("lakesync stack: stopped; data kept in"));
    assertThat(ProcessHandle.of(stack.postgresPid()).map(ProcessHandle::isAlive).orElse(false))
        .as("PostgreSQL left running").isFalse();
    PortCheck.requireFree("test", stack.pgPort(), "none");
    PortCheck.requireFree("test", stack.kafkaPort(), "none");
    try (Connection connection = DriverManager.getConnection(stack.jdbcUrl("bank"), "postgres", "")) {
      throw new AssertionError("PostgreSQL still answers after the stack stopped: " + connection);
    } catch (java.sql.SQLException expected) {
      // nothing listens any more
    }

    try (StackProcess again = StackProcess.start(Path.of(".."), config)) {
      assertThat(again.stop()).noneMatch(line -> line.contains("seeded bank"));
    }
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

  private static Process start(Path config) throws IOException {
    String classpath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
        + Path.of("target/lib").toAbsolutePath() + File.separator + "*";
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
        "dev.lakesync.localstack.StackMain", "--config", config.toString())
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
}
