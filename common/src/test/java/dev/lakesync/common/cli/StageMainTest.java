package dev.lakesync.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageMainTest {
  @TempDir
  Path dir;

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
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    int process = StageMain.run("run process", "help", new String[] {"--config", file.toString()}, Set.of(), Set.of(),
        System.out, errors, (options, config) -> 0);
    assertThat(process).as(err.toString(StandardCharsets.UTF_8)).isZero();
    int warehouse = StageMain.run("run warehouse", "help", new String[] {"--config", file.toString()}, Set.of(),
        Set.of(), System.out, errors, (options, config) -> 0);
    assertThat(warehouse).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("warehouse.password: environment variable LAKESYNC_TEST_UNSET_PW is not set");
  }
}
