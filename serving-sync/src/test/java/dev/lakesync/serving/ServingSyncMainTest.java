package dev.lakesync.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingSyncMainTest {
  @TempDir
  Path dir;

  @Test
  void helpNamesTheOptions() {
    Result result = run("--help");
    assertThat(result.status).isZero();
    assertThat(result.out).startsWith("Usage: lakesync run serving").contains("--config=FILE").contains("--interval=D");
  }

  @Test
  void aConfigWithoutServingSectionIsAConfigError() throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]", ""));
    Result result = run("--config", file.toString(), "--once");
    assertThat(result.status).isEqualTo(2);
    assertThat(result.out).contains("serving: section is required to run the serving stage");
  }

  @Test
  void aServingSectionWithoutDocumentsIsAConfigError() throws Exception {
    Path file = dir.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]",
        "serving: {sinks: [local], local: {jdbcUrl: 'jdbc:postgresql://127.0.0.1:9/serving', user: postgres}}", ""));
    Result result = run("--config", file.toString(), "--once");
    assertThat(result.status).isEqualTo(2);
    assertThat(result.out).contains("serving.documents: declare at least one document type to sync");
  }

  @Test
  void missingConfigIsAUsageError() {
    Result result = run("--once");
    assertThat(result.status).isEqualTo(2);
    assertThat(result.out).contains("Missing required option: '--config=FILE'");
  }

  private static Result run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int status = ServingSyncMain.run(args, out, out);
    return new Result(status, bytes.toString(StandardCharsets.UTF_8));
  }

  private static final class Result {
    final int status;
    final String out;

    Result(int status, String out) {
      this.status = status;
      this.out = out;
    }
  }
}
