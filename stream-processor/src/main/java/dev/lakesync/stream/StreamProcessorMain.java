package dev.lakesync.stream;

import dev.lakesync.common.cli.StageMain;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the stream-processor stage ({@code ./lakesync run process}, spark-submit, a Synapse Spark job
 * definition). Exit status 0 when done, 1 on a failure, 2 for a usage or config error.
 */
public final class StreamProcessorMain {
  static final String HELP = String.join("\n",
      "usage: lakesync run process --config FILE [--once] [--trigger D] [--max-offsets-per-trigger N]",
      "",
      "Reads the pipeline's topics with Spark Structured Streaming and lands every record in landing/<schema>/<table>.",
      "",
      "  --config FILE                 pipeline config (required)",
      "  --once                        process what the topics hold now, then exit (available-now)",
      "  --trigger D                   micro-batch interval when continuous (default 1s)",
      "  --max-offsets-per-trigger N   cap on records per micro-batch (default: none)");

  private StreamProcessorMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run("run process", HELP, args, Set.of("--trigger", "--max-offsets-per-trigger"), Set.of("--once"),
        out, err, (options, config) -> {
          Duration trigger = options.duration("--trigger");
          SparkSession spark = SparkSessions.create(config, "lakesync-process-" + config.name());
          try {
            new StreamProcessor(config, spark, out).run(options.flag("--once"),
                trigger == null ? Duration.ofSeconds(1) : trigger, options.longValue("--max-offsets-per-trigger", 0));
          } catch (IllegalArgumentException e) {
            throw new StageMain.ConfigProblem(e.getMessage());
          }
          return 0;
        });
  }
}
