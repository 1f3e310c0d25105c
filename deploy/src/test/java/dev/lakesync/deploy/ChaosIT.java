package dev.lakesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
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
    Path log = work.resolve("chaos.log");
    Process chaos = LauncherRun.command(log, "bench", "chaos", "--quick").start();
    LauncherRun run = LauncherRun.await(chaos, log, Duration.ofMinutes(20), "chaos:", "verify:", "reconciliation:", "  |");

    assertThat(run.finished).as("the soak finished within 20 minutes").isTrue();
    assertThat(run.exitStatus).as(run.output()).isZero();
    assertThat(run.output()).contains("capture killed during its snapshot: yes")
        .as("changes were streamed too, not all read by a snapshot after the workload").containsPattern("transaction markers [1-9]");
    assertThat(run.lastLine())
        .matches("chaos: kills=4 broker_restarts=1 source_restarts=2 changes=[1-9]\\d* mismatches=0");
  }
}
