package dev.lakesync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VerifyMainTest {
  @Test
  void helpShowsTheReconciliationLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThat(VerifyMain.run(new String[] {"--help"}, out, out)).isZero();
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("reconciliation: tables=N source_rows=X lake_rows=Y warehouse_rows=Z serving_docs=W mismatches=M");
  }

  @Test
  void aMissingConfigFileIsAConfigError() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThat(VerifyMain.run(new String[] {"--config", "/no/such/pipeline.yaml"}, out, out)).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("file not found");
  }
}
