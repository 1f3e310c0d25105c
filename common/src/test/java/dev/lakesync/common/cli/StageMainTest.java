package dev.lakesync.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageMainTest {
  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
  private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

  /** A variable no test environment sets, in the warehouse section only. */
  private Path config() throws Exception {
    return Files.writeString(dir.resolve("pipeline.yaml"), String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9092'}",
        "lake: {root: " + dir.resolve("lake") + "}",
        "tables: [{name: bank.customers, key: [id]}]",
        "warehouse: {type: postgresql, jdbcUrl: 'jdbc:postgresql://127.0.0.1/dw', password: '${LAKESYNC_TEST_UNSET_PW}'}",
        ""));
  }

  @Test
  void theProcessorStartsWithoutTheWarehousesVariablesAndTheWarehouseStageNamesThem() throws Exception {
    Path file = config();
    int process = StageMain.run(new Commands.RunProcess(), new String[] {"--config", file.toString()}, outStream,
        errStream, (command, config) -> 0);
    assertThat(process).as(err.toString(StandardCharsets.UTF_8)).isZero();
    int warehouse = StageMain.run(new Commands.RunWarehouse(), new String[] {"--config", file.toString()}, outStream,
        errStream, (command, config) -> 0);
    assertThat(warehouse).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("warehouse.password: environment variable LAKESYNC_TEST_UNSET_PW is not set");
  }

  @Test
  void optionsArriveParsedWithTheirDefaults() throws Exception {
    Path file = config();
    Commands.RunProcess process = new Commands.RunProcess();
    assertThat(StageMain.run(process, new String[] {"--config", file.toString(), "--once"}, outStream, errStream,
        (command, config) -> command.once && command.trigger.equals(Duration.ofSeconds(1)) ? 0 : 1)).isZero();
    assertThat(StageMain.run(new Commands.RunProcess(), new String[] {"--config=" + file, "--trigger", "250ms"},
        outStream, errStream, (command, config) -> command.trigger.equals(Duration.ofMillis(250)) ? 0 : 1)).isZero();
  }

  @Test
  void helpIsTheCommandTreesAndExitsZero() {
    assertThat(StageMain.run(new Commands.RunProcess(), new String[] {"--help"}, outStream, errStream,
        (command, config) -> 1)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: lakesync run process")
        .contains("--config=FILE").contains("--max-offsets-per-trigger=N");
  }

  @Test
  void aMissingConfigOrAnUnknownOptionIsAUsageErrorNamingTheHelp() {
    assertThat(StageMain.run(new Commands.RunWarehouse(), new String[] {"--once"}, outStream, errStream,
        (command, config) -> 0)).isEqualTo(2);
    assertThat(StageMain.run(new Commands.RunWarehouse(), new String[] {"--config", "x", "--onec"}, outStream, errStream,
        (command, config) -> 0)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).split("\\R"))
        .containsExactly("lakesync run warehouse: Missing required option: '--config=FILE' (see lakesync run warehouse --help)",
            "lakesync run warehouse: Unknown option: '--onec' (see lakesync run warehouse --help)");
  }

  @Test
  void aBadDurationSaysWhatItExpects() {
    assertThat(StageMain.run(new Commands.RunServing(), new String[] {"--config", "x", "--interval", "soon"},
        outStream, errStream, (command, config) -> 0)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("expects a duration such as 60s, 5m or 1h, got 'soon'").contains("--interval");
  }

  @Test
  void aFailureIsOneLineWithStatusOne() throws Exception {
    Path file = config();
    assertThat(StageMain.run(new Commands.RunProcess(), new String[] {"--config", file.toString()}, outStream, errStream,
        (command, config) -> {
          throw new IllegalStateException("the broker is gone");
        })).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("lakesync run process: the broker is gone" + System.lineSeparator());
  }
}
