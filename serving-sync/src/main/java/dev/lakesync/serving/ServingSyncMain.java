package dev.lakesync.serving;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.lake.SparkSessions;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

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
    return StageMain.run(new Commands.RunServing(), args, out, err, (options, config) -> {
      ServingSync.servingOf(config);
      SparkSession spark = SparkSessions.create(config, "lakesync-serving-" + config.name());
      try {
        try (ServingSync sync = new ServingSync(config, spark, out)) {
          if (options.once) {
            if (sync.syncOnce() == 0) {
              out.println("serving: nothing new to sync");
            }
            return 0;
          }
          StageLoop.Observer observer = StageLoop.observer("serving", "documents_sent", options.metrics);
          observer.series("table_freshness_ms", "age of the lake commit the documents reflect, per table; -1 before "
              + "the first sync", false, "table", sync.freshnessByTable());
          observer.series("sink_throttled", "requests or items the sink's service throttled (429, AI Search's 503), "
              + "each retried", true, "sink", sync.throttledBySink());
          StageLoop.run("serving", options.interval, out, sync::syncOnce, observer);
          return 0;
        }
      } finally {
        spark.stop();
      }
    });
  }
}
