package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakesync.common.LakePaths;
import dev.lakesync.common.config.PipelineConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The landing zone with a real broker (the stack in its own JVM) and real Delta tables on disk: every record lands
 * exactly as received, under its table, poison included; rerunning and replaying a batch add nothing twice.
 */
class LandingIT {
  @TempDir
  static Path dir;

  private static SparkStack world;
  private static SparkSession spark;
  private static PipelineConfig config;

  @BeforeAll
  static void start() throws Exception {
    world = SparkStack.start(dir, "tables: [{name: bank.customers, key: [id]}, {name: bank.accounts, key: [id]}, "
        + "{name: bank.payments, key: [id]}]");
    spark = world.spark;
    config = world.config;
  }

  @AfterAll
  static void stop() throws Exception {
    if (world != null) {
      world.close();
    }
  }

  @Test
  void landsEveryRecordExactlyOnceEvenWhenABatchIsReplayed() throws Exception {
    world.produce("lakesync.bank.customers", "bank.customers", "{\"id\":1}", "{\"payload\":{\"op\":\"c\"}}");
    world.produce("lakesync.bank.customers", "bank.customers", "{\"id\":2}", "not json {");
    world.produce("lakesync.bank.payments", "bank.payments", "{\"id\":7}", "{\"payload\":{\"op\":\"u\"}}");
    world.produce("lakesync.bank.payments", "bank.elsewhere", "{\"id\":8}", "{\"payload\":{}}");

    // None of these values is a Debezium event with a schema: all land, and all are quarantined (the unknown
    // table's record only lands).
    assertThat(world.process()).contains("process: batch 0 landed=4 applied=0 superseded=0 quarantined=3 dropped=0 unknown_table=1");
    assertThat(landedValues("customers")).containsExactlyInAnyOrder("{\"payload\":{\"op\":\"c\"}}", "not json {");
    assertThat(landedValues("payments")).containsExactly("{\"payload\":{\"op\":\"u\"}}");
    assertThat(spark.read().format("delta").load(new LakePaths(config.lake().root()).landingOfUnknownTables())
        .selectExpr("cast(value as string)").first().getString(0)).isEqualTo("{\"payload\":{}}");
    Row first = spark.read().format("delta").load(new LakePaths(config.lake().root()).landing("bank", "payments")).first();
    assertThat(first.<String>getAs("topic")).isEqualTo("lakesync.bank.payments");
    assertThat(new String(first.<byte[]>getAs("key"), StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");

    world.process();
    assertThat(landedValues("customers")).hasSize(2);

    // A crash after the Delta appends but before Spark committed the batch: the batch runs again on restart.
    world.produce("lakesync.bank.customers", "bank.customers", "{\"id\":3}", "{\"payload\":{\"op\":\"d\"}}");
    world.process();
    assertThat(landedValues("customers")).hasSize(3);
    world.forgetLastCommittedBatch();
    String replay = world.process();
    assertThat(replay).contains("landed=1");
    assertThat(landedValues("customers")).as("replayed batch appended once").hasSize(3);
  }

  private List<String> landedValues(String table) {
    return spark.read().format("delta").load(new LakePaths(config.lake().root()).landing("bank", table))
        .selectExpr("cast(value as string)").collectAsList().stream().map(row -> row.getString(0))
        .collect(Collectors.toList());
  }

}
