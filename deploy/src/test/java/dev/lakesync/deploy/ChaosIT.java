package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos soak, as a user runs it: {@code ./lakesync bench chaos --quick} from this build. Every stage is
 * killed with SIGKILL (capture during its initial snapshot), the broker restarts once and PostgreSQL twice (fast and
 * immediate shutdown); afterwards source, lake, warehouse and serving store must agree key by key and every record
 * on the topics must be accounted for.
 */
class ChaosIT {
  @TempDir
  Path work;

  @Test
  void everyStageKilledAndTheBrokerAndSourceRestartedLoseAndInventNothing() throws Exception {
    Path home = Path.of("").toAbsolutePath().getParent();
    // The reactor has just built and packaged every module: tell the launcher not to build again.
    Files.writeString(home.resolve("local-stack/target/.lakesync-built"), "");
    Path log = work.resolve("chaos.log");
    Process chaos = new ProcessBuilder(home.resolve("lakesync").toString(), "bench", "chaos", "--quick", "--seed", "2")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = chaos.waitFor(20, TimeUnit.MINUTES);
    if (!finished) {
      chaos.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    String output = String.join("\n", lines);
    System.out.println(output.lines().filter(line -> line.startsWith("chaos:") || line.startsWith("verify:")
        || line.startsWith("reconciliation:") || line.startsWith("  |")).reduce("", (a, b) -> a + b + "\n"));
    assertThat(finished).as("the soak finished within 20 minutes").isTrue();
    assertThat(chaos.exitValue()).as(output).isZero();
    assertThat(output).contains("capture killed during its snapshot: yes");
    assertThat(lines.get(lines.size() - 1))
        .matches("chaos: kills=4 broker_restarts=1 source_restarts=2 changes=[1-9]\\d* mismatches=0");
  }
}
