package dev.lakesync.lake;

import dev.lakesync.common.config.PipelineConfig;
import dev.lakesync.common.config.PipelineConfigLoader;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The job's Spark session for tests of Delta tables alone: a minimal config, no broker or database started. */
public final class LocalSpark {
  private LocalSpark() {
  }

  public static SparkSession start(Path lake, String appName) {
    return SparkSessions.create(config(lake), appName);
  }

  /** A pipeline config with its lake at {@code lake} and one table, bank.customers. */
  public static PipelineConfig config(Path lake) {
    return new PipelineConfigLoader(name -> null).parse(String.join("\n",
        "source: {type: postgresql, host: 127.0.0.1, database: bank, user: postgres, password: x}",
        "broker: {bootstrapServers: '127.0.0.1:9'}",
        "lake: {root: " + lake + "}",
        "tables: [{name: bank.customers, key: [id]}]", ""), "test.yaml");
  }
}
