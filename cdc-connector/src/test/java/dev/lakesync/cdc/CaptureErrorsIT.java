package dev.lakesync.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.localstack.EmbeddedStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when something is wrong: one clear line, a non-zero status, and never a secret. */
@ExtendWith(EmbeddedStack.class)
class CaptureErrorsIT {
  private static final String SECRET = "Zz-s3cr3t-9871";

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CaptureMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private Path config(int pgPort, String bootstrap, String database) throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "name: " + database,
        "workDir: " + dir.resolve("work"),
        "source: {type: postgresql, host: 127.0.0.1, port: " + pgPort + ", database: " + database
            + ", user: postgres, password: '${CAPTURE_IT_PASSWORD:-" + SECRET + "}', slotName: " + database
            + ", publication: " + database + "}",
        "broker: {bootstrapServers: '" + bootstrap + "', topicPrefix: " + database + "}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: app.t, key: [id]}]", ""));
    return file;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void rejectsABadConfigWithStatus2() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "source: {type: postgresql}\n");

    assertThat(run("--config", file.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("source.host: is required").contains("broker: section is required");
  }

  @Test
  void requiresAConfig() {
    assertThat(run("--once")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--config=FILE'");
  }

  @Test
  void reportsAnUnreachableDatabaseInOneLine(EmbeddedStack.Servers servers) throws Exception {
    int port = freePort();
    // --once: a service waits two minutes for a source that refuses connections (SourceWaitTest), a batch run does not
    assertThat(run("--once", "--config", config(port, servers.kafka().bootstrapServers(), "nodb").toString())).isEqualTo(1);

    String error = err.toString(StandardCharsets.UTF_8);
    assertThat(error).startsWith("lakesync run capture: cannot prepare PostgreSQL at 127.0.0.1:" + port + "/nodb as postgres:")
        .doesNotContain(SECRET).doesNotContain("\tat ");
    assertThat(error.lines().count()).isEqualTo(1);
  }

  @Test
  void reportsAnUnreachableBrokerInOneLine(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "nobroker");
    int port = freePort();
    assertThat(run("--config", config(servers.postgres().port(), "127.0.0.1:" + port, db).toString())).isEqualTo(1);

    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("lakesync run capture: cannot reach the broker at 127.0.0.1:"
        + port + " within 20 s (is it running? for the local stack: ./lakesync stack)" + System.lineSeparator());
  }

  @Test
  void neverWritesTheDatabasePasswordToAnyLogLine(EmbeddedStack.Servers servers) throws Exception {
    String db = CaptureFixture.createDatabase(servers, "secrets");
    CaptureFixture.execute(servers, db, "CREATE SCHEMA app", "CREATE TABLE app.t (id int PRIMARY KEY)", "INSERT INTO app.t VALUES (1)");
    Path verboseLogging = dir.resolve("logback.xml");
    Files.writeString(verboseLogging, "<configuration><appender name=\"O\" class=\"ch.qos.logback.core.ConsoleAppender\">"
        + "<encoder><pattern>%level %logger - %msg%n</pattern></encoder></appender>"
        + "<root level=\"DEBUG\"><appender-ref ref=\"O\"/></root></configuration>");
    Path log = dir.resolve("capture.log");
    Process process = CaptureFixture.captureProcess(List.of("-Dlogback.configurationFile=" + verboseLogging),
        Map.of("CAPTURE_IT_PASSWORD", SECRET), log,
        "--config", config(servers.postgres().port(), servers.kafka().bootstrapServers(), db).toString(), "--once").start();

    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isEqualTo(0);
    assertThat(output).contains("capture: stopped after 1 change events").contains("DEBUG");
    assertThat(output.length()).isGreaterThan(10_000);
    assertThat(output).doesNotContain(SECRET);
  }
}
