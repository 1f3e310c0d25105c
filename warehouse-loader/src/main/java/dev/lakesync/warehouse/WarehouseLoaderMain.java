package dev.lakesync.warehouse;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.lake.SparkSessions;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

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
    return StageMain.run(new Commands.RunWarehouse(), args, out, err, (options, config) -> {
      if (config.warehouse().isEmpty()) {
        throw new StageMain.ConfigProblem("warehouse: section is required to run the warehouse stage");
      }
      SparkSession spark = SparkSessions.create(config, "lakesync-warehouse-" + config.name());
      try {
        WarehouseLoader loader = new WarehouseLoader(config, spark, out);
        if (options.once) {
          long changes = loader.loadOnce();
          if (changes == 0) {
            out.println("warehouse: nothing new to load");
          }
          return 0;
        }
        StageLoop.Observer observer = StageLoop.observer("warehouse", "changes_loaded", options.metrics);
        observer.series("table_freshness_ms", "age of the lake commit the warehouse holds, per table; -1 before the "
            + "first load", false, "table", loader.freshnessByTable());
        StageLoop.run("warehouse", options.interval, out, loader::loadOnce, observer);
        return 0;
      } finally {
        spark.stop();
      }
    });
  }
}
