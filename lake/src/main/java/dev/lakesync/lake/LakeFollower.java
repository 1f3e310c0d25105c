package dev.lakesync.lake;

import dev.lakesync.common.cli.StageLoop;
import dev.lakesync.common.config.PipelineConfig;
import java.io.PrintStream;
import org.apache.spark.sql.SparkSession;

/**
 * A stage that follows the validated tables (the warehouse load, the serving sync). Each is found on the classpath
 * (a {@link java.util.ServiceLoader} entry of its module), so that the processor's Spark application can run it beside
 * its stream ({@code run process --with warehouse,serving}): one JVM whose Spark and Delta start and compile once,
 * one Spark pool session on Synapse, instead of one per stage.
 */
public interface LakeFollower {
  /** The stage's name, as in {@code run <stage>}. */
  String stage();

  /**
   * The config's problems for this stage, checked before Spark starts.
   *
   * @throws dev.lakesync.common.cli.StageMain.ConfigProblem when the config lacks what the stage needs
   */
  void check(PipelineConfig config);

  /** The stage on a Spark session: its passes and what it tells its metrics. */
  Passes open(PipelineConfig config, SparkSession spark, PrintStream out);

  /** One stage's passes over the lake. */
  interface Passes extends AutoCloseable {
    /** One pass (a load, a sync); returns the items it wrote. */
    long once() throws Exception;

    /** The name of the items on /metrics ("changes_loaded", "documents_sent"). */
    String itemsName();

    /** Registers the stage's own series (freshness per table, throttling per sink) with its observer. */
    void describe(StageLoop.Observer observer);

    @Override
    void close();
  }
}
