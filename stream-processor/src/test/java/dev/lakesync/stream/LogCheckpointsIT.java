package dev.lakesync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.lakesync.common.LakePaths;
import dev.lakesync.lake.DeltaCommits;
import dev.lakesync.lake.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's tables on disk are checkpointed by {@link LogCheckpoints}, not inside their commits: when due (validated
 * every 10 commits, the raw zones every 100), readable through the checkpoint, and a failure is reported, not thrown.
 */
class LogCheckpointsIT {
  @TempDir
  static Path dir;
  private static SparkSession spark;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeAll
  static void start() {
    spark = LocalSpark.start(dir.resolve("unused"), "lakesync-log-checkpoints-it");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @AfterEach
  void forgetTheDefault() {
    spark.conf().unset(LogCheckpoints.INLINE_INTERVAL_DEFAULT);
  }

  private static void append(String path, int commit) {
    spark.range(commit * 100L, commit * 100L + 100).selectExpr("id", "cast(id AS string) AS name")
        .write().format("delta").mode("append").save(path);
  }

  private static long checkpointFiles(String path) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(path, "_delta_log"))) {
      return files.filter(file -> file.getFileName().toString().endsWith(".checkpoint.parquet")).count();
    }
  }

  @Test
  void dueTablesAreCheckpointedOutsideTheirCommits() throws IOException {
    Path lake = dir.resolve("lake");
    LakePaths paths = new LakePaths(lake.toString());
    LogCheckpoints checkpoints = new LogCheckpoints(LocalSpark.config(lake), spark, out);
    checkpoints.takeOverFromCommits();
    String validated = paths.validated("bank", "customers");
    String landing = paths.landing("bank", "customers");
    for (int commit = 0; commit < 12; commit++) { // versions 0 to 11: Delta's default would checkpoint version 10
      append(validated, commit);
      append(landing, commit);
    }
    assertThat(checkpointFiles(validated)).as("no checkpoint inside a commit").isZero();
    assertThat(spark.sql("SHOW TBLPROPERTIES delta.`" + validated + "` ('delta.checkpointInterval')").first().getString(1))
        .isEqualTo(String.valueOf(LogCheckpoints.INLINE_INTERVAL));

    checkpoints.checkpointDue();

    assertThat(DeltaCommits.lastCheckpointVersion(spark, validated)).isEqualTo(11);
    assertThat(checkpointFiles(validated)).isEqualTo(1);
    assertThat(DeltaCommits.lastCheckpointVersion(spark, landing)).as("a raw zone waits for 100 commits").isEqualTo(-1);
    assertThat(Files.exists(Path.of(paths.quarantine("bank", "customers")))).as("a table never written stays absent").isFalse();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("checkpoint of " + validated + " (12 commits since the last)");
    assertThat(checkpoints.checkpointIfDue(validated, LogCheckpoints.VALIDATED_INTERVAL)).as("nothing due right after").isFalse();

    // A new reader starts from the checkpoint and sees every row.
    DeltaLog.clearCache();
    assertThat(spark.read().format("delta").load(validated).count()).isEqualTo(1200);
    assertThat(spark.read().format("delta").load(validated).selectExpr("count(DISTINCT id)").first().getLong(0)).isEqualTo(1200);
  }

  @Test
  void aTableWithItsOwnIntervalKeepsItsInlineCheckpoints() throws IOException {
    Path lake = dir.resolve("own-interval");
    spark.conf().set(LogCheckpoints.INLINE_INTERVAL_DEFAULT, "10"); // as a pipeline's lake.spark setting would
    LogCheckpoints checkpoints = new LogCheckpoints(LocalSpark.config(lake), spark, out);
    checkpoints.takeOverFromCommits();
    assertThat(spark.conf().get(LogCheckpoints.INLINE_INTERVAL_DEFAULT)).isEqualTo("10");
    String validated = new LakePaths(lake.toString()).validated("bank", "customers");
    for (int commit = 0; commit < 12; commit++) {
      append(validated, commit);
    }
    assertThat(DeltaCommits.lastCheckpointVersion(spark, validated)).as("Delta's own, in the commit").isEqualTo(10);
    checkpoints.checkpointDue();
    assertThat(checkpointFiles(validated)).as("none due: 1 commit since").isEqualTo(1);
  }

  @Test
  void aFailedCheckpointIsReportedAndTheJobGoesOn() throws IOException {
    Path lake = dir.resolve("broken");
    LogCheckpoints checkpoints = new LogCheckpoints(LocalSpark.config(lake), spark, out);
    checkpoints.takeOverFromCommits();
    String validated = new LakePaths(lake.toString()).validated("bank", "customers");
    append(validated, 0);
    Files.writeString(Path.of(validated, "_delta_log", "_last_checkpoint"), "not json {");

    assertThatCode(checkpoints::checkpointDue).doesNotThrowAnyException();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("checkpoint of " + validated + " failed, trying again later");
  }
}
