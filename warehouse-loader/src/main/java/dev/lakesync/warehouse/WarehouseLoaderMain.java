package dev.lakesync.warehouse;

import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.stream.SparkSessions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the warehouse stage ({@code ./lakesync run warehouse}, spark-submit, a Synapse Spark job
 * definition): one load with {@code --once}, otherwise a load every {@code --interval} until stopped.
 */
public final class WarehouseLoaderMain {
  static final String HELP = String.join("\n",
      "usage: lakesync run warehouse --config FILE [--once] [--interval D]",
      "",
      "Loads the models declared under warehouse.models (dimensions of type 1 or 2, facts with lookups,",
      "aggregates) from the validated Delta tables' changes since the last load into the warehouse of the config",
      "(PostgreSQL, Synapse dedicated SQL pool, SQL Server). Each load is one warehouse transaction that also",
      "records the Delta versions loaded. A model that does not match the lake stops the stage (exit 2).",
      "",
      "  --config FILE   pipeline config (required; needs a warehouse section)",
      "  --once          load what is there now, then exit",
      "  --interval D    time between loads when not --once (default 10s)");

  private WarehouseLoaderMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run("run warehouse", HELP, args, Set.of("--interval"), Set.of("--once"), out, err,
        (options, config) -> {
          if (config.warehouse().isEmpty()) {
            throw new StageMain.ConfigProblem("warehouse: section is required to run the warehouse stage");
          }
          Duration interval = options.duration("--interval");
          SparkSession spark = SparkSessions.create(config, "lakesync-warehouse-" + config.name());
          try {
            WarehouseLoader loader = new WarehouseLoader(config, spark, out);
            if (options.flag("--once")) {
              long changes = loader.loadOnce();
              if (changes == 0) {
                out.println("warehouse: nothing new to load");
              }
              return 0;
            }
            StageLoop.run("warehouse", interval == null ? Duration.ofSeconds(10) : interval, out, loader::loadOnce);
            return 0;
          } finally {
            spark.stop();
          }
        });
  }
}
