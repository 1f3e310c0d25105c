package dev.lakesync.stream;

import dev.lakesync.common.cli.Commands;
import dev.lakesync.common.cli.StageMain;
import dev.lakesync.lake.LakeFollower;
import dev.lakesync.lake.LakeFollowers;
import dev.lakesync.lake.SparkSessions;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Entry point of the stream-processor stage ({@code ./lakesync run process}, spark-submit, a Synapse Spark job
 * definition). Exit status 0 when done, 1 on a failure, 2 for a usage or config error.
 */
public final class StreamProcessorMain {
  private StreamProcessorMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * The stage's meters on /metrics when a port is given, else nothing (a stage without a port, e.g. a Synapse job,
   * never loads Micrometer).
   */
  private static Consumer<BatchMetrics> observer(SparkSession spark, Commands.Metrics metrics) {
    return metrics.port < 0 ? batch -> { } : ProcessMetrics.serve(spark, metrics.address, metrics.port);
  }

  private static void stopQueries(SparkSession spark) {
    for (org.apache.spark.sql.streaming.StreamingQuery query : spark.streams().active()) {
      try {
        query.stop();
      } catch (java.util.concurrent.TimeoutException e) {
        // the process ends anyway
      }
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return StageMain.run(new Commands.RunProcess(), args, out, err, (options, config) -> {
      List<LakeFollower> followers = LakeFollowers.find(options.with);
      followers.forEach(follower -> follower.check(config));
      SparkSession spark = SparkSessions.create(config, "lakesync-process-" + config.name());
      StreamProcessor processor = new StreamProcessor(config, spark, out);
      try {
        if (options.once || followers.isEmpty()) {
          processor.run(options.once, options.trigger, options.maxOffsetsPerTrigger, observer(spark, options.metrics));
          LakeFollowers.passOnce(followers, config, spark, out);
          return 0;
        }
        LakeFollowers.Beside beside = LakeFollowers.Beside.start(followers, config, spark, options.followInterval,
            options.metrics, out, () -> stopQueries(spark));
        try {
          processor.run(false, options.trigger, options.maxOffsetsPerTrigger, observer(spark, options.metrics));
        } finally {
          beside.stop();
        }
        return 0;
      } catch (IllegalArgumentException e) {
        throw new StageMain.ConfigProblem(e.getMessage());
      }
    });
  }
}
