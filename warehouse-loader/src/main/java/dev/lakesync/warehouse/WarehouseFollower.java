package dev.lakesync.warehouse;

import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.lake.LakeFollower;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/** The warehouse load as a follower of the lake: run alone by {@code run warehouse} or with {@code run process --with}. */
public final class WarehouseFollower implements LakeFollower {
  @Override
  public String stage() {
    return "warehouse";
  }

  @Override
  public void check(PipelineConfig config) {
    WarehouseLoader.warehouseOf(config);
  }

  @Override
  public Passes open(PipelineConfig config, SparkSession spark, PrintStream out) {
    WarehouseLoader loader = new WarehouseLoader(config, spark, out);
    return new Passes() {
      @Override
      public long once() throws Exception {
        return loader.loadOnce();
      }

      @Override
      public String itemsName() {
        return "changes_loaded";
      }

      @Override
      public void describe(StageLoop.Observer observer) {
        observer.series("table_freshness_ms", "age of the lake commit the warehouse holds, per table; -1 before the "
            + "first load", false, "table", loader.freshnessByTable());
      }

      @Override
      public void close() {
      }
    };
  }
}
