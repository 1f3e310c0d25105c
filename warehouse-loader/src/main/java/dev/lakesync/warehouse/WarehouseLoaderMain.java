package dev.lakesync.warehouse;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.lake.LakeFollowers;
import java.io.PrintStream;

/**
 * Entry point of the warehouse stage ({@code ./lakesync run warehouse}, spark-submit, a Synapse Spark job
 * definition): one load with {@code --once}, otherwise a load every {@code --interval} until stopped.
 */
public final class WarehouseLoaderMain {
  private WarehouseLoaderMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.RunWarehouse(), args, out, err, (options, config) -> LakeFollowers.runAlone(
        new WarehouseFollower(), config, options.once, options.interval, options.metrics, out));
  }
}
