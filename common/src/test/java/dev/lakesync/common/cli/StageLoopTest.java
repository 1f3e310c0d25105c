package dev.lakesync.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StageLoopTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicInteger passes = new AtomicInteger();

  @Test
  void aPassThatFailsIsTriedAgainAfterPausesThatDoubleAndTheCountStartsAgainAfterASuccess() throws Exception {
    java.util.List<String> observed = new java.util.ArrayList<>();
    StageLoop.Observer observer = new StageLoop.Observer() {
      @Override
      public void passed(long items, long millis) {
        observed.add("passed " + items);
      }

      @Override
      public void failed() {
        observed.add("failed");
      }
    };
    StageLoop.loop("warehouse", Duration.ZERO, Duration.ofMillis(1), out, () -> {
      int pass = passes.incrementAndGet();
      if (pass <= 3 || pass == 5) {
        throw new SQLException("Connection to 127.0.0.1:5432 refused");
      }
      return pass * 10;
    }, observer, () -> passes.get() >= 6);

    assertThat(observed).as("what the stage's metrics are told")
        .containsExactly("failed", "failed", "failed", "passed 40", "failed", "passed 60");
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(output).contains("warehouse: pass failed: Connection to 127.0.0.1:5432 refused; trying again in 0.001s "
        + "(1 of 10 failures in a row before giving up)");
    assertThat(output).contains("trying again in 0.002s (2 of 10").contains("trying again in 0.004s (3 of 10");
    // The fifth pass fails after a success: its count starts again at 1.
    assertThat(output.lines().filter(line -> line.contains("(1 of 10"))).hasSize(2);
    assertThat(output).endsWith("warehouse: stopped\n");
  }

  @Test
  void theStageGivesUpWithTheLastErrorAfterTenFailuresInARow() {
    assertThatThrownBy(() -> StageLoop.loop("serving", Duration.ZERO, Duration.ofMillis(1), out, () -> {
      throw new SQLException("attempt " + passes.incrementAndGet());
    }, StageLoop.Observer.NONE, () -> false)).hasMessage("attempt 10");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("(9 of 10 failures").doesNotContain("(10 of 10");
  }

  @Test
  void aConfigProblemStopsTheStageAtOnce() {
    assertThatThrownBy(() -> StageLoop.loop("warehouse", Duration.ZERO, Duration.ofMillis(1), out, () -> {
      passes.incrementAndGet();
      throw new StageMain.ConfigProblem("model dim_customer reads a column the lake lacks");
    }, StageLoop.Observer.NONE, () -> false)).isInstanceOf(StageMain.ConfigProblem.class);
    assertThat(passes).hasValue(1);
  }
}
