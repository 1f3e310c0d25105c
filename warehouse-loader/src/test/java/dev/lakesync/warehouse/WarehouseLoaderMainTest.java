package dev.lakesync.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseLoaderMainTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return WarehouseLoaderMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aConfigWithoutAWarehouseIsAConfigErrorNamingTheSection() throws Exception {
    Path config = dir.resolve("p.yaml");
    Files.writeString(config, String.join("\n",
        "source: {type: postgresql, host: h, database: d, user: u, password: p}",
        "broker: {bootstrapServers: 'h:9092'}",
        "lake: {root: /tmp/lake}",
        "tables: [{name: bank.customers, key: [id]}]", ""));
    assertThat(run("--config", config.toString(), "--once")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("lakesync run warehouse: warehouse: section is required to run the warehouse stage");
  }

  @Test
  void usageErrorsExitTwoAndHelpExitsZero() {
    assertThat(run("--once")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--config=FILE'");
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: lakesync run warehouse");
  }
}
