package dev.lakesync.serving;

import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.stream.SparkSessions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the serving stage ({@code ./lakesync run serving}, spark-submit, a Synapse Spark job definition):
 * one sync with {@code --once}, otherwise a sync every {@code --interval} until stopped.
 */
public final class ServingSyncMain {
  static final String HELP = String.join("\n",
      "usage: lakesync run serving --config FILE [--once] [--interval D]",
      "",
      "Rebuilds every document of the types declared under serving.documents that a change in the validated",
      "Delta tables touched since the last sync (its root row, a child row, a looked-up parent row) and writes",
      "it to the serving sinks of the config: Cosmos DB, AI Search and/or the local PostgreSQL stand-in. A",
      "deleted root row's document is deleted. A sink never replaces a document reflecting a newer source",
      "position; each sink's progress is saved under <lake>/_state/serving-sync once it confirmed the writes.",
      "A type whose declaration (or the shape of the columns it takes) changed is rebuilt whole.",
      "",
      "  --config FILE   pipeline config (required; needs a serving section declaring documents)",
      "  --once          sync what is there now, then exit",
      "  --interval D    time between syncs when not --once (default 5s)");

  private ServingSyncMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run("run serving", HELP, args, Set.of("--interval"), Set.of("--once"), out, err,
        (options, config) -> {
          ServingSync.servingOf(config);
          Duration interval = options.duration("--interval");
          SparkSession spark = SparkSessions.create(config, "lakesync-serving-" + config.name());
          try {
            try (ServingSync sync = new ServingSync(config, spark, out)) {
              if (options.flag("--once")) {
                if (sync.syncOnce() == 0) {
                  out.println("serving: nothing new to sync");
                }
                return 0;
              }
              StageLoop.run("serving", interval == null ? Duration.ofSeconds(5) : interval, out, sync::syncOnce);
              return 0;
            }
          } finally {
            spark.stop();
          }
        });
  }
}
