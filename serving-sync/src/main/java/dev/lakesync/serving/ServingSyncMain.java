package dev.lakesync.serving;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.lake.LakeFollowers;
import java.io.PrintStream;

/**
 * Entry point of the serving stage ({@code ./lakesync run serving}, spark-submit, a Synapse Spark job definition):
 * one sync with {@code --once}, otherwise a sync every {@code --interval} until stopped.
 */
public final class ServingSyncMain {
  private ServingSyncMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.RunServing(), args, out, err, (options, config) -> LakeFollowers.runAlone(
        new ServingFollower(), config, options.once, options.interval, options.metrics, out));
  }
}
