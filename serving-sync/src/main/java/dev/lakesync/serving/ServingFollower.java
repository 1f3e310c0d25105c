package dev.lakesync.serving;

import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.lake.LakeFollower;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/** The serving sync as a follower of the lake: run alone by {@code run serving} or with {@code run process --with}. */
public final class ServingFollower implements LakeFollower {
  @Override
  public String stage() {
    return "serving";
  }

  @Override
  public void check(PipelineConfig config) {
    ServingSync.servingOf(config);
  }

  @Override
  public Passes open(PipelineConfig config, SparkSession spark, PrintStream out) {
    ServingSync sync = new ServingSync(config, spark, out);
    return new Passes() {
      @Override
      public long once() throws Exception {
        return sync.syncOnce();
      }

      @Override
      public String itemsName() {
        return "documents_sent";
      }

      @Override
      public void describe(StageLoop.Observer observer) {
        observer.series("table_freshness_ms", "age of the lake commit the documents reflect, per table; -1 before "
            + "the first sync", false, "table", sync.freshnessByTable());
        observer.series("sink_throttled", "requests or items the sink's service throttled (429, AI Search's 503), "
            + "each retried", true, "sink", sync.throttledBySink());
      }

      @Override
      public void close() {
        sync.close();
      }
    };
  }
}
