package dev.lakesync.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong();

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private void at(double seconds) {
    clock.set((long) (seconds * 1e9));
  }

  @Test
  void showsHowFarHowFastAndHowLongStill() {
    assertThat(ProgressLine.render("chaos: workload", "changes", 25_000, 100_000, 100, false))
        .isEqualTo("chaos: workload: 25,000/100,000 changes (25%), 250/s, 5m00s left");
    assertThat(ProgressLine.render("w", "changes", 5, 10, 1, true)).isEqualTo("w: [##########----------] 5/10 changes (50%), 5/s, 1s left");
    assertThat(ProgressLine.render("w", "row changes", 1_234, 0, 2, false)).as("no total: no share, no time left")
        .isEqualTo("w: 1,234 row changes, 617/s");
    assertThat(ProgressLine.timeLeft(3_725)).isEqualTo("1h02m");
    assertThat(ProgressLine.timeLeft(41.2)).isEqualTo("42s");
  }

  @Test
  void elsewhereThanATerminalPrintsAPlainLineAtMostEveryInterval() {
    ProgressLine progress = new ProgressLine(out, false, "w", "changes", 100, Duration.ofSeconds(10), clock::get);
    at(5);
    progress.update(10, "");
    at(10);
    progress.update(20, ", 1 rule-breaking");
    at(15);
    progress.update(30, "");
    at(20);
    progress.update(40, "");
    assertThat(printed()).isEqualTo(String.join(System.lineSeparator(),
        "w: 20/100 changes (20%), 2/s, 40s left, 1 rule-breaking", "w: 40/100 changes (40%), 2/s, 30s left", ""));
  }

  @Test
  void onATerminalRedrawsOneLineAndKeepsOtherLinesAboveIt() {
    ProgressLine progress = new ProgressLine(out, true, "w", "changes", 0, Duration.ofSeconds(10), clock::get);
    at(1);
    progress.update(10, "");
    progress.say("chaos: kill -9 process");
    at(2);
    progress.update(20, "");
    progress.finish();
    assertThat(printed()).isEqualTo("\r\033[Kw: 10 changes, 10/s\r\033[Kchaos: kill -9 process" + System.lineSeparator()
        + "\r\033[Kw: 20 changes, 10/s\r\033[K");
  }
}
