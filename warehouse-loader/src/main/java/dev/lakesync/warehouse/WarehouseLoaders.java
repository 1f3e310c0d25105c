package dev.lakesync.warehouse;

import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/** One load, for callers outside this package (the benchmark). */
public final class WarehouseLoaders {
  private WarehouseLoaders() {
  }

  /** Runs one load; returns the number of rows staged. */
  public static long loadOnce(PipelineConfig config, SparkSession spark, PrintStream out) throws Exception {
    return new WarehouseLoader(config, spark, out).loadOnce();
  }
}
