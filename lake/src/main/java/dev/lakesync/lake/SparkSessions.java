package dev.lakesync.lake;

import dev.lakesync.common.config.PipelineConfig;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session of a lakesync job: Delta enabled, the config's lake.spark.* applied, local when run alone. */
public final class SparkSessions {
  private SparkSessions() {
  }

  public static SparkSession create(PipelineConfig config, String appName) {
    SparkConf conf = new SparkConf()
        .setAppName(appName)
        .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .set("spark.sql.session.timeZone", "UTC")
        // Validated tables feed warehouse-loader and serving-sync through their Change Data Feed.
        .set("spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true")
        // The MERGE source is built from a cached parse of the batch: materializing it again would cost a pass.
        .set("spark.databricks.delta.merge.materializeSource", "none")
        // Inferring constraints through the MERGE's per-column CASE WHENs and aliases grows combinatorially (on the
        // driver, in UnaryNode.getAllValidConstraints). Nothing here needs the filters it would infer.
        .setIfMissing("spark.sql.constraintPropagation.enabled", "false")
        // A batch runs many generated classes (landing, parse, rules, quarantine, MERGE per table); with Spark's
        // default cache they evicted one another and were compiled again every batch.
        .setIfMissing("spark.sql.codegen.cache.maxEntries", "2000") // both: -Dspark... or --conf overrides
        // A landing append holds one ingest date (two across midnight). Without concurrent writers Spark sorts every
        // task's rows by the partition column before writing: a catch-up batch's raw records (kilobytes each) were
        // all copied into the sorter, and written only once it had them all.
        // With writers kept open per partition value the rows stream to their file; past 4 values Spark sorts again.
        .setIfMissing("spark.sql.maxConcurrentOutputFileWriters", "4");
    if (!conf.contains("spark.master")) {
      // Not under spark-submit or Synapse: run in this JVM, as the local demo and the tests do.
      conf.setMaster("local[2]").set("spark.ui.enabled", "false").set("spark.sql.shuffle.partitions", "4")
          // Rebuilding a Delta snapshot from its log in 50 tasks (the default) costs more than it saves on 2 cores.
          .set("spark.databricks.delta.snapshotPartitions", "2")
          // A batch is cached once and read a few times: compressing the cache costs more than the memory it saves.
          .set("spark.sql.inMemoryColumnarStorage.compressed", "false")
          // A batch's landing append and its tables' MERGEs run side by side: share the cores between them.
          .set("spark.scheduler.mode", "FAIR")
          // Stay on loopback: a local run needs no network interface.
          .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
          // Without its native library Hadoop starts a process for each local file created and each rename.
          .setIfMissing("spark.hadoop.fs.file.impl", ShellFreeLocalFiles.FileSystem.class.getName())
          .setIfMissing("spark.hadoop.fs.AbstractFileSystem.file.impl", ShellFreeLocalFiles.Fs.class.getName());
    }
    for (Map.Entry<String, String> entry : config.lake().spark().entrySet()) {
      conf.set("spark." + entry.getKey(), entry.getValue());
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
